package dev.oauthfilter.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
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

    private FreshLibrary(ClassLoader parent) {
        super("fresh-oauth-filter", parent);
    }

    /**
     * @param task     a public class with a public no-argument constructor, loaded anew with the library (its own
     *                 static state fresh as well)
     * @param argument what it is given: a JDK type, the same in every class loader
     * @param <T>      the argument's type
     */
    public static <T> void run(Class<? extends Consumer<T>> task, T argument) {
        try {
            Class<?> fresh = Class.forName(task.getName(), true, new FreshLibrary(task.getClassLoader()));
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
            return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }
}
