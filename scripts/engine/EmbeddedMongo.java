import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/**
 * The embedded engine for development, tests and CI: mongo-java-server on 127.0.0.1, in memory or in
 * one H2 MVStore file. Started by scripts/engine.py; the heap cap is the JVM's -Xmx.
 *
 * <p>Usage: EmbeddedMongo --storage memory|file [--data FILE] --port N [--log FILE] [--stock-matching]
 *
 * <p>--stock-matching (memory storage only) runs the stock MemoryBackend, without our two matching
 * patches, so that tests/engine/test_patched_matching.py can compare the patched engine with it.
 */
public final class EmbeddedMongo {

    /** Reported to drivers: PyMongo 4.18+ refuses the stock wire version 8 (MongoDB 5.0 label). */
    static final MongoVersion REPORTED_VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    };

    /** The exit status after a storage failure closed the file store: start the engine again. */
    static final int STORE_FAILED = 75;

    /** Commands after which the file store must be on disk before the client hears "ok". */
    static final Set<String> WRITE_COMMANDS = Set.of(
        "insert", "update", "delete", "findandmodify", "create", "drop", "dropdatabase",
        "createindexes", "dropindexes", "renamecollection");

    /**
     * H2 file storage that commits after every write command. Stock H2Backend commits about once a
     * second, so a kill -9 lost about a quarter of 1,000 just-acknowledged inserts (measured).
     */
    static final class DurableH2Backend extends H2Backend {
        DurableH2Backend(String fileName) {
            super(fileName);
        }

        @Override
        public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
            try {
                Document response = super.handleCommand(channel, databaseName, command, query);
                if (WRITE_COMMANDS.contains(command.toLowerCase(Locale.ROOT))) {
                    commit();
                }
                return response;
            } finally {
                stopIfTheStoreClosed();
            }
        }

        /**
         * A write the file system refused (a full disk) makes H2 close the store for good: every later
         * command, reads too, would fail until a restart, which reopens the file at its last good commit
         * (nothing acknowledged is lost). So the engine stops with STORE_FAILED for its supervisor
         * (scripts/engine.py) to start it again, and clients see the connection closed (MongoDB's own
         * answer to a full disk is to stop, too).
         */
        private void stopIfTheStoreClosed() {
            if (getMvStore().isClosed()) {
                System.err.println("EmbeddedMongo: the store was closed by a storage failure; stopping");
                new Thread(() -> System.exit(STORE_FAILED)).start();
                throw new IllegalStateException("the store was closed by a storage failure");
            }
        }
    }

    /**
     * Memory storage whose unique indexes (`_id` first) also serve a query that names their keys (plain
     * values or `$in`) among other conditions, as MongoDB's do. Stock collections use an index only when
     * the query's keys are exactly the index's, so a conditional update such as {_id, status, claim}
     * scanned the whole collection: thousands of them made a campaign to 100,000 phones quadratic
     * (measured). The index narrows the candidates; the whole query is still matched against each.
     * tests/engine/test_patched_matching.py checks that this answers as the stock matching does.
     */
    static final class IndexedMemoryBackend extends MemoryBackend {
        @Override
        public MemoryDatabase openOrCreateDatabase(String databaseName) {
            return new IndexedMemoryDatabase(databaseName, getCursorRegistry());
        }
    }

    static final class IndexedMemoryDatabase extends MemoryDatabase {
        IndexedMemoryDatabase(String name, CursorRegistry cursorRegistry) {
            super(name, cursorRegistry);
        }

        @Override
        protected MemoryCollection openOrCreateCollection(String name, CollectionOptions options) {
            return new IndexedMemoryCollection(this, name, options, cursorRegistry);
        }
    }

    static final class IndexedMemoryCollection extends MemoryCollection {
        IndexedMemoryCollection(MongoDatabase db, String name, CollectionOptions options, CursorRegistry cursors) {
            super(db, name, options, cursors);
        }

        @Override
        protected QueryResult queryDocuments(
                Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
            if (orderBy != null && orderBy.containsKey("$natural")) {
                // Narrowed candidates come in index order and are never reversed: the stock path keeps $natural.
                return super.queryDocuments(query, orderBy, skip, limit, batchSize, fields);
            }
            for (Index<Integer> index : getIndexes()) {
                Document narrowed = new Document();
                for (var key : index.getKeys()) {
                    if (query.containsKey(key.getKey())) {
                        narrowed.put(key.getKey(), query.get(key.getKey()));
                    }
                }
                if (narrowed.size() == index.getKeys().size() && narrowed.size() < query.size()
                        && narrowed.values().stream().allMatch(IndexedMemoryCollection::isIndexLookup)
                        && index.canHandle(narrowed)) {
                    return matchDocuments(query, index.getPositions(narrowed), orderBy, skip, limit, batchSize, fields);
                }
            }
            Set<String> wanted = null;
            String field = null;
            for (String key : query.keySet()) {
                if (!key.startsWith("$") && !key.contains(".") && query.get(key) instanceof Document condition
                        && condition.size() == 1 && condition.get("$in") instanceof Collection<?> values
                        && !values.isEmpty() && values.stream().allMatch(String.class::isInstance)) {
                    field = key;
                    wanted = new HashSet<>();
                    for (Object value : values) {
                        wanted.add((String) value);
                    }
                    break;
                }
            }
            if (wanted != null) {
                // The stock matcher tests `$in` against every value of the list, for every document: a
                // lookup of 500 people's devices read the collection 500 times over. A set keeps the
                // candidates; the whole query is then matched against them.
                Set<String> set = wanted;
                String name = field;
                List<Integer> positions = streamAllDocumentsWithPosition()
                    .filter(entry -> holdsAny(entry.getDocument().get(name), set))
                    .map(DocumentWithPosition::getPosition)
                    .toList();
                return matchDocuments(query, positions, orderBy, skip, limit, batchSize, fields);
            }
            return super.queryDocuments(query, orderBy, skip, limit, batchSize, fields);
        }

        /**
         * A key value whose index lookup finds every document the matcher accepts: a plain value, or
         * `$in` of plain values. Arrays (matched as a whole, `[]` has no index key, a compound index
         * reads them as several keys), regexes (the matcher also tries them on numbers), null (a sparse
         * index leaves out documents lacking the key) and operators are matched by a scan instead.
         */
        private static boolean isIndexLookup(Object value) {
            if (value instanceof Document condition && condition.keySet().equals(Set.of("$in"))) {
                return condition.get("$in") instanceof Collection<?> values
                    && values.stream().allMatch(IndexedMemoryCollection::isPlainValue);
            }
            return isPlainValue(value);
        }

        private static boolean isPlainValue(Object value) {
            return value != null && !(value instanceof Collection) && !BsonRegularExpression.isRegularExpression(value)
                && !namesOperator(value);
        }

        private static boolean namesOperator(Object value) {
            if (value instanceof Document document) {
                return document.entrySet().stream()
                    .anyMatch(entry -> entry.getKey().startsWith("$") || namesOperator(entry.getValue()));
            }
            return value instanceof Collection<?> items
                && items.stream().anyMatch(IndexedMemoryCollection::namesOperator);
        }

        private static boolean holdsAny(Object value, Set<String> wanted) {
            if (value instanceof String text) {
                return wanted.contains(text);
            }
            if (value instanceof Collection<?> items) {
                // Stock `$in` also looks into arrays within the array ([["a"]] holds "a"): keep those too.
                return items.stream().anyMatch(item -> holdsAny(item, wanted));
            }
            return false;
        }
    }

    private EmbeddedMongo() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        String storage = "memory";
        String data = null;
        String log = null;
        int port = 27017;
        boolean stockMatching = false;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--storage" -> { storage = value; i++; }
                case "--data" -> { data = value; i++; }
                case "--port" -> { port = Integer.parseInt(value); i++; }
                case "--log" -> { log = value; i++; }
                case "--stock-matching" -> stockMatching = true;
                case "--help", "-h" -> { usage(System.out); return; }
                default -> { usage(System.err); System.exit(2); }
            }
        }
        if (log != null) {
            // slf4j-simple writes to System.err: append it, and any JVM complaint, to the log file.
            System.setErr(new PrintStream(new FileOutputStream(log, true), true, StandardCharsets.UTF_8));
        }
        AbstractMongoBackend backend;
        if ("memory".equals(storage)) {
            backend = stockMatching ? new MemoryBackend() : new IndexedMemoryBackend();
        } else if ("file".equals(storage) && data != null && !stockMatching) {
            Path parent = Path.of(data).toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            backend = new DurableH2Backend(data);
        } else {
            usage(System.err);
            System.exit(2);
            return;
        }
        backend.version(REPORTED_VERSION);
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", port);
        System.err.println("EmbeddedMongo: " + storage + " storage listening on 127.0.0.1:" + port);

        CountDownLatch stopped = new CountDownLatch(1);
        // SIGINT and SIGTERM run shutdown hooks: close clients, then the store (a final commit for H2).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            System.err.println("EmbeddedMongo: stopped cleanly");
            stopped.countDown();
        }));
        stopped.await();
    }

    private static void usage(PrintStream out) {
        out.println("usage: EmbeddedMongo --storage memory|file [--data FILE] --port N [--log FILE]"
            + " [--stock-matching]");
        out.println("  memory: nothing kept after exit; file: one H2 MVStore file, committed after every write");
        out.println("  --stock-matching: memory storage with the stock matching (for the contract tests)");
    }
}
