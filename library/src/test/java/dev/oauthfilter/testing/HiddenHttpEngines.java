package dev.oauthfilter.testing;

/**
 * An HTTP engine of a class that code outside this package cannot call, though its methods are public: what a
 * runtime's internal engine looks like when no public supertype declares its redirect switch.
 */
public final class HiddenHttpEngines {

    private HiddenHttpEngines() {
    }

    /** @return an engine that follows redirects, of a class that is not public */
    public static Object following() {
        return new Hidden();
    }

    /** @return whether {@code engine} (from {@link #following()}) still follows redirects */
    public static boolean follows(Object engine) {
        return ((Hidden) engine).follow;
    }

    static final class Hidden {
        private volatile boolean follow = true;

        public boolean isFollowRedirects() {
            return follow;
        }

        public void setFollowRedirects(boolean follow) {
            this.follow = follow;
        }
    }
}
