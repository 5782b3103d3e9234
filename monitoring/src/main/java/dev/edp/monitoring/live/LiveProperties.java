package dev.edp.monitoring.live;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code edp.monitoring.live.*}: the portal's live event stream.
 *
 * @param replayWindow how long events are kept for clients that reconnect with
 * {@code Last-Event-ID}
 * @param heartbeat a comment line is sent to a quiet stream this often, so proxies keep
 * it open and dead clients are noticed
 * @param streamTimeout a stream is closed after this long (the browser reconnects with
 * {@code Last-Event-ID}), which spreads clients over the replicas again
 * @param clientQueue events waiting for one slow client; a client that falls further
 * behind is disconnected and catches up from the table when it reconnects
 * @param connectivityInterval how often each replica turns new {@code connectivity_event}
 * rows into live events
 * @param retentionInterval how often one replica deletes events older than the replay
 * window
 * @param maxStreamsPerUser open streams one user (token subject) may hold on one replica;
 * a further one replaces the user's oldest (which ends with reason {@code REPLACED})
 * @param customerCheckInterval how often each replica asks whether the customers of its
 * open streams are still active (through the starter's cached
 * {@code CustomerStatusLookup}) and ends the streams of a deactivated one
 */
@ConfigurationProperties("edp.monitoring.live")
record LiveProperties(@DefaultValue("10m") Duration replayWindow, @DefaultValue("15s") Duration heartbeat,
        @DefaultValue("30m") Duration streamTimeout, @DefaultValue("1000") int clientQueue,
        @DefaultValue("500ms") Duration connectivityInterval, @DefaultValue("1m") Duration retentionInterval,
        @DefaultValue("5") int maxStreamsPerUser, @DefaultValue("5s") Duration customerCheckInterval) {
}
