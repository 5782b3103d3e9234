/** What the feature packages share: the catalogue of device-management's problems. */
package dev.edp.devicemanagement.support;
