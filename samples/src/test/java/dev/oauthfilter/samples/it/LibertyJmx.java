package dev.oauthfilter.samples.it;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The running Liberty server seen through its local JMX connector ({@code localConnector-1.0}, which the integration
 * tests' configuration adds): restart an application, list the JVM's threads, count live classes.
 */
final class LibertyJmx implements AutoCloseable {

    private final JMXConnector connector;
    private final MBeanServerConnection server;

    private LibertyJmx(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.server = connector.getMBeanServerConnection();
    }

    static LibertyJmx connect() throws IOException {
        Path serverDir = Path.of(Objects.requireNonNull(System.getProperty("liberty.server.dir"), "liberty.server.dir"));
        String address = Files.readString(serverDir.resolve("logs/state/com.ibm.ws.jmx.local.address")).strip();
        return new LibertyJmx(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    }

    /** Stops and starts an application, as a redeploy or an administrator's restart does. */
    void restart(String application) throws Exception {
        server.invoke(application(application), "restart", null, null);
    }

    String state(String application) throws Exception {
        return (String) server.getAttribute(application(application), "State");
    }

    /** @return the names of the server JVM's live threads */
    List<String> threadNames() throws Exception {
        ObjectName threading = new ObjectName("java.lang:type=Threading");
        long[] ids = (long[]) server.getAttribute(threading, "AllThreadIds");
        CompositeData[] infos = (CompositeData[]) server.invoke(threading, "getThreadInfo",
                new Object[] {ids}, new String[] {long[].class.getName()});
        List<String> names = new ArrayList<>();
        for (CompositeData info : infos) {
            if (info != null) {
                names.add((String) info.get("threadName"));
            }
        }
        return names;
    }

    /**
     * Runs a full GC and counts the classes named {@code className} that still have live instances: one per class
     * loader that loaded it (the JVM's {@code GC.class_histogram}).
     */
    int liveCopies(String className) throws Exception {
        String histogram = (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        int copies = 0;
        for (String line : histogram.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 4 && columns[3].equals(className)) {
                copies++;
            }
        }
        return copies;
    }

    /** Runs pending finalizers, then a full GC: an object only a finalizer keeps alive goes in the second step. */
    void collectGarbage() throws Exception {
        ObjectName commands = new ObjectName("com.sun.management:type=DiagnosticCommand");
        server.invoke(commands, "gcRunFinalization", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        server.invoke(commands, "gcRun", new Object[] {new String[0]}, new String[] {String[].class.getName()});
    }

    String threadDump() throws Exception {
        return (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "threadPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
    }

    /** Writes a heap dump of the live objects (after a full GC) to {@code file}, which must not exist yet. */
    void dumpHeap(Path file) throws Exception {
        server.invoke(new ObjectName("com.sun.management:type=HotSpotDiagnostic"), "dumpHeap",
                new Object[] {file.toAbsolutePath().toString(), true},
                new String[] {String.class.getName(), boolean.class.getName()});
    }

    private static ObjectName application(String name) throws Exception {
        return new ObjectName("WebSphere:service=com.ibm.websphere.application.ApplicationMBean,name=" + name);
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
