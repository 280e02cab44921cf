package dev.vaelab.cli;

import com.google.inject.Injector;
import dev.vaelab.core.error.VaelabException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vaelab} command line. Any failure, user error or not ({@link Error}s included), prints
 * one line and exits 1; {@code --debug} or {@code VAELAB_DEBUG=1} adds the stack trace.
 */
@Command(name = "vaelab", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Variational autoencoders, trained on ONNX Runtime.")
public final class Main {
    @CommandLine.Option(names = FailureReport.DEBUG_OPTION, scope = CommandLine.ScopeType.INHERIT,
            description = "on a failure, print the Java stack trace after its one-line message (also: "
                    + FailureReport.DEBUG_VARIABLE + "=1)")
    boolean debug;

    public static void main(String[] args) {
        FailureReport report = FailureReport.of(args, System.getenv());
        java.io.PrintWriter err = new java.io.PrintWriter(System.err, true);
        // a failure on another thread (a logger's sender, a shutdown hook) is one line as well
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> report.report(e, err));
        int code;
        try {
            code = execute(Bootstrap.injector(), err, args);
        } catch (Throwable e) {
            code = report.report(e, err);
        }
        System.exit(code);
    }

    /** Runs the command line and returns its exit code. */
    public static int execute(String... args) {
        return execute(Bootstrap.injector(), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given injector, printing errors to {@code err}. */
    public static int execute(Injector injector, java.io.PrintWriter err, String... args) {
        FailureReport report = FailureReport.of(args, System.getenv());
        try {
            return execute(injector, err, report, args);
        } catch (Throwable e) {
            // Errors (out of memory, stack overflow) pass through picocli's handler
            return report.report(e, err);
        }
    }

    private static int execute(Injector injector, java.io.PrintWriter err, FailureReport report, String... args) {
        GuiceFactory factory = new GuiceFactory(injector);
        CommandLine cli = new CommandLine(new Main(), factory);
        cli.addSubcommand(RunCommand.class);
        cli.addSubcommand(ExportCommand.class);
        cli.addSubcommand(SampleCommand.class);
        cli.addSubcommand(EncodeCommand.class);
        cli.addSubcommand(new CommandLine(SweepCommand.class, factory).addSubcommand(SweepStatusCommand.class));
        cli.addSubcommand(SummaryCommand.class);
        cli.addSubcommand(SweepRunCommand.class);
        cli.addSubcommand(SweepEndCommand.class);
        cli.addSubcommand(MlflowSyncCommand.class);
        cli.addSubcommand(RegisterCommand.class);
        cli.setErr(err); // after the subcommands, which take it over
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report.report(e, commandLine.getErr()));
        return cli.execute(args);
    }

    /** The version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vaelab " + dev.vaelab.tracking.RunEnvironment.detect().vaelabVersion()};
        }
    }

    /** Lets picocli create commands through Guice; everything else (option collections, providers) as picocli does. */
    private record GuiceFactory(Injector injector) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            return cls.isAnnotationPresent(Command.class) ? injector.getInstance(cls) : CommandLine.defaultFactory().create(cls);
        }
    }
}
