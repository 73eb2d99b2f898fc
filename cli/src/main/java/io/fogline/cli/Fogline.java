package io.fogline.cli;
