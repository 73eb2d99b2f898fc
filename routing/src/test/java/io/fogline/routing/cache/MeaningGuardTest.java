package io.fogline.routing.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MeaningGuardTest {

    @Test
    void vetoesANegationAddedOrRemoved() {
        assertThat(MeaningGuard.compatible("Why is my phone not charging?", "Why is my phone charging?"))
                .isFalse();
        assertThat(MeaningGuard.compatible("Why doesn't it compile?", "Why does it compile?"))
                .isFalse();
        assertThat(MeaningGuard.compatible("Is the bridge unsafe?", "Is the bridge safe?"))
                .isFalse();
    }

    @Test
    void vetoesAChangedFigure() {
        assertThat(MeaningGuard.compatible("Convert 50 miles to km", "Convert 5 miles to km"))
                .isFalse();
    }

    @Test
    void vetoesTheSameWordsInAnotherOrder() {
        assertThat(MeaningGuard.compatible("Does Brazil beat Germany?", "Does Germany beat Brazil?"))
                .isFalse();
    }

    @Test
    void letsParaphrasesAndCaseOrPunctuationChangesThrough() {
        assertThat(MeaningGuard.compatible("how do i reset my password", "How do I reset my password?"))
                .isTrue();
        assertThat(MeaningGuard.compatible("Can I not pay later?", "Is it not possible to pay later?"))
                .isTrue();
        assertThat(MeaningGuard.compatible("What is 15% of 80?", "Compute 15 % of 80"))
                .isTrue();
    }
}
