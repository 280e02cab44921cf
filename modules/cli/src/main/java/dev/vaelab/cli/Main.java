package dev.vaelab.cli;

import com.google.inject.Injector;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.export.OnnxExporter;
import dev.vaelab.sweep.SweepPlanner;
import dev.vaelab.sweep.SweepLaunchers;
import dev.vaelab.train.ExperimentResolver;
import dev.vaelab.train.ExperimentRunner;
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
        CommandLine cli = new CommandLine(new Main(), new GuiceFactory(injector));
        cli.addSubcommand(new RunCommand(injector.getInstance(ExperimentRunner.class)));
        cli.addSubcommand(new ExportCommand(injector.getInstance(ExperimentResolver.class),
                injector.getInstance(OnnxExporter.class)));
        cli.addSubcommand(new SampleCommand());
        cli.addSubcommand(new EncodeCommand());
        cli.addSubcommand(new CommandLine(new SweepCommand(injector.getInstance(SweepPlanner.class),
                injector.getInstance(SweepLaunchers.class), injector.getInstance(dev.vaelab.tracking.RunLoggerFactory.class),
                injector.getInstance(dev.vaelab.tracking.mlflow.ModelRegistry.class)))
                .addSubcommand(new SweepStatusCommand(injector.getInstance(dev.vaelab.sweep.slurm.SweepState.class))));
        cli.addSubcommand(new SummaryCommand());
        cli.addSubcommand(new SweepRunCommand(injector.getInstance(ExperimentResolver.class),
                injector.getInstance(ExperimentRunner.class)));
        cli.addSubcommand(new SweepEndCommand(injector.getInstance(dev.vaelab.sweep.slurm.SweepEnd.class)));
        cli.addSubcommand(new MlflowSyncCommand(injector.getInstance(dev.vaelab.tracking.mlflow.MlflowSync.class)));
        cli.addSubcommand(new RegisterCommand(injector.getInstance(dev.vaelab.tracking.mlflow.ModelRegistry.class)));
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

    /** Lets picocli create commands through Guice. */
    private record GuiceFactory(Injector injector) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
