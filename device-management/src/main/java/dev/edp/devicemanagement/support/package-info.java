/** Helpers the feature packages share: keyset list queries, time. */
package dev.edp.devicemanagement.support;
