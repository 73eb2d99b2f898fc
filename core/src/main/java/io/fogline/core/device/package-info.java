/**
 * The device protocol of docs/protocol.md: every message a node and the control plane exchange, defined once and read
 * and written by both ends (and by the fleet simulator) through {@link io.fogline.core.device.ProtocolJson}. Each type
 * checks what it holds when it is made, so a message that parses is a message the protocol allows. Readers ignore
 * fields they do not know: a field added to a message (federated rounds in the desired state, say) reaches older
 * nodes harmlessly.
 */
package io.fogline.core.device;
