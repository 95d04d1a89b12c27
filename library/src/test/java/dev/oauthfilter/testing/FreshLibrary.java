package dev.oauthfilter.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Runs code on the library's classes loaded anew, in a class loader of their own: what the library keeps once per
 * class loader ({@code TokenCache.shared()}) starts from its defaults there, and whatever the code does to it is gone
 * with the loader instead of staying for the tests that run later in this JVM.
 * <pre>{@code
 * FreshLibrary.run(GrowTheSharedCache.class, server.uri("/token"));
 * }</pre>
 */
public final class FreshLibrary extends ClassLoader {

    private static final String LIBRARY = "dev.oauthfilter.";

    // classes of packages starting with this are not found, as when their jar is not there; null: none
    private final String hidden;
    private final List<String> defined = new CopyOnWriteArrayList<>();

    private FreshLibrary(ClassLoader parent, String hidden) {
        super("fresh-oauth-filter", parent);
        this.hidden = hidden;
    }

    /**
     * @param task     a public class with a public no-argument constructor, loaded anew with the library (its own
     *                 static state fresh as well)
     * @param argument what it is given: a JDK type, the same in every class loader
     * @param <T>      the argument's type
     */
    public static <T> void run(Class<? extends Consumer<T>> task, T argument) {
        run(new FreshLibrary(task.getClassLoader(), null), task, argument);
    }

    /**
     * As {@link #run}, where the classes of packages starting with {@code hidden} cannot be found (an optional API
     * whose jar is not there).
     *
     * @return the library's classes the task loaded
     */
    public static <T> List<String> runWithout(String hidden, Class<? extends Consumer<T>> task, T argument) {
        FreshLibrary loader = new FreshLibrary(task.getClassLoader(), hidden);
        run(loader, task, argument);
        return List.copyOf(loader.defined);
    }

    /**
     * As {@link #run}, keeping nothing of the library loaded anew: the reference returned is cleared once nothing
     * else (what the task left registered somewhere, say) keeps its class loader.
     *
     * @return a weak reference to the class loader the task ran in
     */
    public static <T> WeakReference<ClassLoader> runThenRelease(Class<? extends Consumer<T>> task, T argument) {
        FreshLibrary loader = new FreshLibrary(task.getClassLoader(), null);
        run(loader, task, argument);
        return new WeakReference<>(loader);
    }

    private static <T> void run(FreshLibrary loader, Class<? extends Consumer<T>> task, T argument) {
        try {
            Class<?> fresh = Class.forName(task.getName(), true, loader);
            Constructor<?> constructor = fresh.getConstructor();
            @SuppressWarnings("unchecked")
            Consumer<T> consumer = (Consumer<T>) constructor.newInstance();
            consumer.accept(argument);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot run " + task.getName() + " on a fresh library", e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (hidden != null && name.startsWith(hidden)) {
            throw new ClassNotFoundException(name);
        }
        if (!name.startsWith(LIBRARY)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = defineFromParent(name);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    private Class<?> defineFromParent(String name) throws ClassNotFoundException {
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            defined.add(name);
            return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }
}
