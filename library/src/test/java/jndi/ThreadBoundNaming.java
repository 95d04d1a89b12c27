package jndi;

import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.OperationNotSupportedException;
import javax.naming.spi.InitialContextFactory;
import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.concurrent.Executor;

/**
 * A JNDI whose {@code java:comp/DefaultManagedExecutorService} is bound only on threads that run "inside" the
 * application component, as on an application server: elsewhere (a CDI extension observer or a health-check thread
 * without component metadata) the lookup fails, as Liberty's CWNEN1000E does. Outside {@code dev.oauthfilter.} so
 * that the test and a library loaded anew (FreshLibrary) see one class. Install with
 * {@code java.naming.factory.initial=jndi.ThreadBoundNaming}.
 */
public final class ThreadBoundNaming implements InitialContextFactory {

    public static final String MANAGED = "java:comp/DefaultManagedExecutorService";
    private static final ThreadLocal<Executor> COMPONENT = new ThreadLocal<>();

    /** Runs {@code task} as a component of the application whose managed executor is {@code managed}. */
    public static void inComponent(Executor managed, Runnable task) {
        COMPONENT.set(managed);
        try {
            task.run();
        } finally {
            COMPONENT.remove();
        }
    }

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) {
        return (Context) Proxy.newProxyInstance(ThreadBoundNaming.class.getClassLoader(), new Class<?>[]{Context.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "lookup":
                            Executor managed = COMPONENT.get();
                            if (MANAGED.equals(String.valueOf(args[0])) && managed != null) {
                                return managed;
                            }
                            throw new NameNotFoundException(args[0] + ": the thread is not associated with an"
                                    + " application component");
                        case "close":
                            return null;
                        case "toString":
                            return "ThreadBoundNaming";
                        default:
                            throw new OperationNotSupportedException(method.getName());
                    }
                });
    }
}
