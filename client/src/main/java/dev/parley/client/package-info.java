/** A client of Parley's public API: see docs/clients.md. */
package dev.parley.client;
