package dev.edp.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Runs the whole Edge Device Platform on one machine: {@code java -jar launcher.jar up}.
 * Normally started by the {@code ./edp} script, which finds a JDK 25 and builds the jars
 * first.
 */
@Command(name = "launcher", mixinStandardHelpOptions = true, subcommands = UpCommand.class,
        description = "Runs the Edge Device Platform on this machine.")
public final class Launcher implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Entry point.
     * @param args a subcommand ({@code up}) and its options
     */
    public static void main(String[] args) {
        // zonky logs every PostgreSQL step at INFO; the launcher prints its own progress.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.exit(new CommandLine(new Launcher()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

}
