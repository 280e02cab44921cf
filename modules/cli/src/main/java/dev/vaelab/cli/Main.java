package dev.vaelab.cli;

import com.google.inject.Injector;
import dev.vaelab.core.error.VaelabException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vaelab} command line. User errors print their message alone and exit 1. */
@Command(name = "vaelab", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Variational autoencoders, trained on ONNX Runtime.")
public final class Main {
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int execute(String... args) {
        return execute(Bootstrap.injector(), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given injector, printing errors to {@code err}. */
    public static int execute(Injector injector, java.io.PrintWriter err, String... args) {
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
        cli.setErr(err); // after the subcommands, which take it over
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof VaelabException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
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
