/** Cross-cutting configuration of the service. */
package dev.edp.devicemanagement.config;
