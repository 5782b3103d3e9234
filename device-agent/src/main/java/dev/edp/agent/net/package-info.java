/**
 * A small non-blocking HTTP/1.1 client over TLS (Netty, OpenSSL when available) for
 * running many devices in one JVM: one event loop group shared by every connection, one
 * TLS context per device certificate, keep-alive connections that carry one request at a
 * time. Used by the fleet simulator and the benchmark load generator; a single agent on a
 * device uses the JDK client.
 */
package dev.edp.agent.net;
