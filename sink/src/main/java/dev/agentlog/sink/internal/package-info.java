/** JDBC and retry machinery of the sink; not an API, may change freely. */
package dev.agentlog.sink.internal;
