package com.github.keiretsu.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j Community DBMS with Bolt on 127.0.0.1 (auth off) and prints exactly one
 * line, {@code bolt://127.0.0.1:PORT}, on stdout once Bolt accepts connections. Everything else goes
 * to stderr or DIR/logs. Stops on SIGTERM/SIGINT, or on stdin EOF with --stop-on-stdin-eof.
 *
 * <p>Usage: {@code Launcher [--port N|auto] [--stop-on-stdin-eof] DIR}
 */
public final class Launcher {
    private static final String HOST = "127.0.0.1";

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) { // Neo4j may leave non-daemon threads behind: exit explicitly
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        String dir = null, port = "auto";
        boolean stopOnEof = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = args[++i];
                case "--stop-on-stdin-eof" -> stopOnEof = true;
                default -> dir = args[i];
            }
        }
        if (dir == null) {
            System.err.println("usage: Launcher [--port N|auto] [--stop-on-stdin-eof] DIR");
            System.exit(2);
        }
        boolean auto = port.equals("auto") || port.equals("0");
        DatabaseManagementService dbms = null;
        int bolt = 0;
        for (int attempt = 1; dbms == null; attempt++) { // retry: an auto port may be taken meanwhile
            bolt = auto ? freePort() : Integer.parseInt(port);
            try {
                dbms = start(Path.of(dir).toAbsolutePath(), bolt);
            } catch (RuntimeException e) {
                if (!auto || attempt >= 3) throw e;
                System.err.println("neo4j start failed on port " + bolt + ", retrying: " + e);
            }
        }
        final DatabaseManagementService service = dbms;
        Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown, "neo4j-shutdown"));
        if (!service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(Duration.ofMinutes(2).toMillis())
                || !waitForPort(bolt, 120_000)) {
            System.err.println("neo4j did not become ready");
            System.exit(1);
        }
        System.out.println("bolt://" + HOST + ":" + bolt);
        System.out.flush();
        if (stopOnEof) {
            Thread t = new Thread(() -> { drain(System.in); System.exit(0); }, "stdin-eof-watch");
            t.setDaemon(true);
            t.start();
        }
        Thread.currentThread().join(); // park; JVM exits via System.exit or a signal
    }

    private static DatabaseManagementService start(Path home, int port) {
        DatabaseManagementServiceBuilder b = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMiB()))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false);
        // Settings in neo4j.conf syntax from $KEIRETSU_NEO4J_CONF (a file), over the ones above.
        String conf = System.getenv("KEIRETSU_NEO4J_CONF");
        if (conf != null && !conf.isBlank()) {
            b.loadPropertiesFromFile(Path.of(conf.trim()));
        }
        return b.build();
    }

    // Page cache in MiB: $KEIRETSU_NEO4J_PAGECACHE_MB, default 64 (tests); give it
    // the store's size for benchmarks.
    private static long pageCacheMiB() {
        String v = System.getenv("KEIRETSU_NEO4J_PAGECACHE_MB");
        if (v == null || v.isBlank()) {
            return 64;
        }
        return Long.parseLong(v.trim());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(HOST, 0));
            return s.getLocalPort();
        }
    }

    private static boolean waitForPort(int port, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                return true;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        return false;
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) { /* discard */ }
        } catch (IOException ignored) { // a closed stdin counts as EOF
        }
    }
}
