package dev.edp.launcher;

import java.util.List;

/**
 * A part of the platform did not come up; carries what the user needs to see to find out
 * why.
 */
final class StartupException extends Exception {

    private final String component;

    private final List<String> logTail;

    StartupException(String component, String reason, List<String> logTail) {
        super(component + ": " + reason);
        this.component = component;
        this.logTail = List.copyOf(logTail);
    }

    String component() {
        return component;
    }

    List<String> logTail() {
        return logTail;
    }

}
