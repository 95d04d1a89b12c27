package dev.oauthfilter.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions of absence: a secret or token must appear nowhere in an exception chain. */
public final class Secrets {

    private Secrets() {
    }

    public static void assertNotInChain(Throwable thrown, Iterable<String> values) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            String text = t + " " + t.getMessage();
            for (String value : values) {
                assertThat(text).as("exception chain must not carry a secret or token").doesNotContain(value);
            }
        }
    }
}
