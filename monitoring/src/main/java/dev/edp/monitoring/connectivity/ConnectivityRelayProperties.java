package dev.edp.monitoring.connectivity;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code edp.monitoring.connectivity-relay.*}: the relay of connectivity events to
 * device-management.
 *
 * @param interval how often one replica (ShedLock) relays what is new
 * @param maxBackoff the longest wait after failed calls (from 1 s, doubling)
 */
@ConfigurationProperties("edp.monitoring.connectivity-relay")
record ConnectivityRelayProperties(@DefaultValue("1s") Duration interval, @DefaultValue("1m") Duration maxBackoff) {
}
