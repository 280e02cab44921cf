package dev.vaelab.tracking.mlflow;

import dev.vaelab.tracking.AppendedRows;
import dev.vaelab.tracking.GridEntry;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunStore;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The thread that sends one run to MLflow while it trains. The training thread only ever
 * {@link #offer offers} events to a bounded queue and never waits: when the queue is full the event
 * is dropped, and since every batch of rows carries its place in {@code metrics.csv}, the sender
 * notices the gap and reads the missing rows back from the file (grids are caught up at the end
 * from {@code grids/index.csv}). Failures that a retry can fix are retried with back-off for as
 * long as the run lasts; a refusal stops the sender, reported once.
 *
 * <p>{@link #finish} asks it to send what is left (rows, artifacts, status) and waits at most the
 * drain timeout; what did not make it is recorded in {@code run.json} ({@code mlflow_sync:
 * incomplete} and a note) and stays in the local store for {@code vaelab mlflow-sync}.
 */
final class RunSender {
    /**
     * Rows the sender holds in memory at most; beyond that (a long outage of a long run) it leaves
     * them in {@code metrics.csv} and reads them back as it catches up, so memory stays bounded.
     */
    static final int MAX_PENDING = 100_000;
    /** How long a run stopped from outside (Ctrl-C) waits for the server at most. */
    static final Duration KILLED_DRAIN = Duration.ofSeconds(10);

    /** What the training thread hands over. */
    sealed interface Event permits Rows, Grid {}

    record Rows(AppendedRows rows) implements Event {}

    record Grid(GridEntry entry) implements Event {}

    private final int maxPending;
    private final RunStore store;
    private final MlflowService service;
    private final Retrier retrier;
    private final RunReplica replica;
    private final Notices notices;
    private final MlflowSettings settings;
    private final BlockingQueue<Event> queue;
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sentRows = new AtomicLong();
    private final AtomicBoolean outage = new AtomicBoolean();
    private volatile boolean finishRequested;
    private volatile boolean completed;
    private volatile String failure;
    private volatile boolean reported;
    private volatile int gridsWaiting;

    // sender thread only
    private final ArrayDeque<MetricRow> pending = new ArrayDeque<>();
    private final List<GridEntry> grids = new ArrayList<>();
    private long next;

    RunSender(RunStore store, MlflowService service, MlflowSettings settings, Notices notices) {
        this(store, service, settings, notices, MAX_PENDING);
    }

    /** As the other constructor, holding at most {@code maxPending} rows in memory. */
    RunSender(RunStore store, MlflowService service, MlflowSettings settings, Notices notices, int maxPending) {
        this.maxPending = maxPending;
        this.store = store;
        this.service = service;
        this.settings = settings;
        this.notices = notices;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.retrier = new Retrier(settings.backoff(), this::retrying);
        this.replica = new RunReplica(store, service, retrier, notices);
        this.thread = new Thread(this::run, "vaelab-mlflow-" + store.record().runName());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Hands an event to the sender without waiting; when the queue is full it is dropped and caught up later. */
    void offer(Event event) {
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /** Events dropped because the queue was full (all were caught up from the store, or are reported as unsent). */
    long dropped() {
        return dropped.get();
    }

    /**
     * Asks the sender to send what is left and end the run on the server, and waits for it at most
     * the drain timeout. Returns whether everything reached the server. Later calls wait for the
     * first one's outcome.
     */
    boolean finish() {
        if (finishing.compareAndSet(false, true)) {
            finishRequested = true;
            Duration drain = settings.drainTimeout();
            if (store.record().status() == dev.vaelab.tracking.RunStatus.KILLED && drain.compareTo(KILLED_DRAIN) > 0) {
                drain = KILLED_DRAIN; // someone is waiting for the process to stop
            }
            Optional<String> refused = retrier.nothingThere() && done.getCount() > 0 ? refusal(service.server()) : Optional.empty();
            if (refused.isPresent()) {
                // every request of the run was refused (or a short run ends before its first one failed), and a
                // connection still is: no server is there to wait for
                drain = Duration.ZERO;
                String latest = retrier.latestFailure();
                failure = "no server took a connection during the whole run (" + (latest.isEmpty() ? refused.get() : latest) + ")";
            }
            boolean inTime = await(drain);
            if (!inTime) {
                abandon();
            }
            record();
        } else {
            await(settings.drainTimeout().plusSeconds(5));
        }
        return completed;
    }

    /** Why {@code server} takes no connection now (in the words of a failed request), or empty when it does. */
    private static Optional<String> refusal(TrackingServer server) {
        java.net.URI base = server.base();
        int port = base.getPort() >= 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(base.getHost(), port), 1000);
            return Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.of(MlflowClients.connectionFailure("connecting to " + server.display(), e).getMessage());
        }
    }

    /** Stops the sender at once, sending nothing more. */
    void close() {
        if (done.getCount() > 0) {
            abandon();
        }
        service.close();
    }

    private void run() {
        try {
            RunReplica.Attached attached = replica.attach();
            pending.addAll(attached.missing());
            next = attached.localRows();
            sentRows.set(attached.localRows() - attached.missing().size());
            replica.uploadFile(RunStore.CONFIG_FILE);
            while (true) {
                Event event = pending.isEmpty() && grids.isEmpty()
                        ? queue.poll(100, TimeUnit.MILLISECONDS) : queue.poll();
                if (event != null) {
                    accept(event);
                    List<Event> more = new ArrayList<>();
                    queue.drainTo(more);
                    more.forEach(this::accept);
                }
                sendPending();
                if (next < store.metricRowCount()) {
                    catchUp(-1); // rows the queue or the memory bound left in the file
                    sendPending();
                }
                while (!grids.isEmpty()) {
                    replica.uploadGrid(grids.get(0));
                    grids.remove(0);
                    gridsWaiting = grids.size();
                }
                restored();
                if (finishRequested && queue.isEmpty()) {
                    end();
                    completed = true;
                    return;
                }
            }
        } catch (Retrier.Stopped e) {
            // abandoned at the drain deadline; finish() records what is left
        } catch (MlflowFailure f) {
            failure = f.getMessage();
            reported = true;
            notices.say("MLflow: the server refused a request: " + f.getMessage().replaceAll("\\.$", "") + ". Not "
                    + "retried; MLflow logging of this run stops here, and the run stays complete in " + store.directory()
                    + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e.toString();
            reported = true;
            notices.say("MLflow: logging of this run stopped: " + e + "; the run stays complete in "
                    + store.directory() + ".");
        } finally {
            done.countDown();
        }
    }

    private void accept(Event event) {
        if (event instanceof Rows r) {
            AppendedRows rows = r.rows();
            if (rows.endIndex() <= next) {
                return; // already read back from the file
            }
            if (rows.firstIndex() > next) {
                catchUp(rows.firstIndex());
            }
            if (rows.firstIndex() > next || pending.size() >= maxPending) {
                return; // these rows stay in the file until the backlog shrinks
            }
            List<MetricRow> list = rows.rows();
            for (int i = (int) (next - rows.firstIndex()); i < list.size(); i++) {
                pending.add(list.get(i));
            }
            next = rows.endIndex();
        } else if (event instanceof Grid g) {
            grids.add(g.entry());
            gridsWaiting = grids.size();
        }
    }

    /**
     * Reads rows the sender does not hold back from the file, from {@code next} up to row
     * {@code until} (or the end of the file when -1), as many as the memory bound allows.
     */
    private void catchUp(long until) {
        int room = maxPending - pending.size();
        if (room <= 0) {
            return;
        }
        List<MetricRow> rows = Files.exists(store.metricsFile()) ? MetricsCsv.read(store.metricsFile()) : List.of();
        long end = Math.min(until < 0 ? rows.size() : Math.min(until, rows.size()), next + room);
        for (long i = next; i < end; i++) {
            pending.add(rows.get((int) i));
        }
        next = Math.max(next, end);
    }

    private void sendPending() {
        while (!pending.isEmpty()) {
            List<MetricRow> batch = new ArrayList<>(Math.min(pending.size(), MlflowService.MAX_METRICS_PER_BATCH));
            for (MetricRow row : pending) {
                if (batch.size() == MlflowService.MAX_METRICS_PER_BATCH) {
                    break;
                }
                batch.add(row);
            }
            replica.send(batch);
            for (int i = 0; i < batch.size(); i++) {
                pending.removeFirst();
            }
            sentRows.addAndGet(batch.size());
        }
    }

    /** The end of the run: rows the queue dropped, every artifact, the parent tag, the status. */
    private void end() {
        while (next < store.metricRowCount()) {
            long before = next;
            catchUp(-1);
            sendPending();
            if (next == before) {
                break; // the last rows are not on disk yet; they are counted as unsent
            }
        }
        sendPending();
        replica.uploadArtifacts();
        grids.clear();
        gridsWaiting = 0;
        replica.complete(store.record());
        restored();
    }

    private void retrying(MlflowFailure f) {
        if (outage.compareAndSet(false, true)) {
            notices.say("MLflow: " + f.getMessage() + "; retrying in the background while the run goes on "
                    + "(everything is kept in " + store.directory() + ")");
        }
    }

    private void restored() {
        if (pending.isEmpty() && outage.compareAndSet(true, false)) {
            notices.say("MLflow: " + service.server().display() + " answers again; the run has caught up");
        }
    }

    private boolean await(Duration timeout) {
        try {
            return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return done.getCount() == 0;
        }
    }

    private void abandon() {
        retrier.stop();
        service.close(); // aborts a request in flight
        thread.interrupt();
        try {
            done.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records in run.json, and says, whether the run reached the server whole. */
    private void record() {
        if (completed && replica.artifactsProblem().isPresent()) {
            String note = "artifacts not stored: " + replica.artifactsProblem().get();
            store.putExtras(Map.of(RunReplica.EXTRA_SYNC, RunReplica.SYNC_INCOMPLETE, RunReplica.EXTRA_NOTE, note));
            notices.say("MLflow: run logged to " + replica.page() + " without its artifacts (see above); they are kept in "
                    + store.directory());
            return;
        }
        if (completed) {
            store.putExtras(Map.of(RunReplica.EXTRA_SYNC, RunReplica.SYNC_COMPLETE, RunReplica.EXTRA_NOTE, ""));
            String parent = replica.parentPending() ? " (its sweep's parent run is not on the server yet; "
                    + "`vaelab mlflow-sync` nests it once it is)" : "";
            notices.say("MLflow: run logged to " + replica.page() + parent);
            return;
        }
        long unsent = Math.max(0, store.metricRowCount() - sentRows.get());
        StringBuilder what = new StringBuilder();
        what.append(unsent).append(" metric row").append(unsent == 1 ? "" : "s");
        if (gridsWaiting > 0) {
            what.append(", ").append(gridsWaiting).append(" grid").append(gridsWaiting == 1 ? "" : "s");
        }
        what.append(" and the run's final artifacts and status");
        String why = failure != null ? failure : "the server did not take them within " + settings.drainTimeout().toSeconds()
                + " s";
        String note = what + " did not reach " + service.server().display() + ": " + why;
        store.putExtras(Map.of(RunReplica.EXTRA_SYNC, RunReplica.SYNC_INCOMPLETE, RunReplica.EXTRA_NOTE, note));
        String said = reported ? what + " did not reach " + service.server().display() + " (see above)" : note;
        notices.say("MLflow: " + said + ". They are kept in " + store.directory() + "; send them with `vaelab "
                + "mlflow-sync " + store.directory() + "`");
    }
}
