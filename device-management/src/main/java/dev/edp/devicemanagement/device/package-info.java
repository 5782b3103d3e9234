/** The device registry: register, list, move between environments, decommission. */
package dev.edp.devicemanagement.device;
