package dev.edp.agent.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import dev.edp.agent.AgentOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code edp-agent}: {@code onboard}, {@code run}, {@code status}, {@code simulate} (one
 * class each in this package). Exit codes: 0 done or stopped, 1 failure, 2 usage, 3 E3
 * refused the certificate (revoked, invalid, required), 4 onboarding refused.
 */
@Command(name = "edp-agent", mixinStandardHelpOptions = true, versionProvider = AgentCli.Version.class,
        subcommands = { Onboard.class, Run.class, Status.class, Simulate.class },
        description = "EDP device agent: onboards a device, keeps it connected through E3, simulates fleets.")
public final class AgentCli implements Runnable {

    /** Onboarding was refused (bad or used token, refused CSR). */
    static final int ONBOARDING_REFUSED = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Entry point.
     * @param args a command and its options
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs a command without exiting the JVM (the launcher and tests call this).
     * @param args a command and its options
     * @return the exit code
     */
    public static int execute(String... args) {
        configureLogging(false);
        return new CommandLine(new AgentCli()).setExecutionExceptionHandler((ex, commandLine, parsed) -> {
            // Unreachable E3, unreadable files: one line, no stack trace.
            String message = ex.getMessage();
            System.err.println("edp-agent " + commandLine.getCommandName() + ": " + ex.getClass().getSimpleName()
                    + (message != null ? " " + message : ""));
            return 1;
        }).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static void configureLogging(boolean verbose) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s %5$s%6$s%n");
        LogManager.getLogManager().reset();
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(verbose ? Level.FINE : Level.INFO);
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        Logger.getLogger("dev.edp.agent").setLevel(verbose ? Level.FINE : Level.INFO);
    }

    static final class Version implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] { "edp-agent " + AgentOptions.VERSION };
        }

    }

}
