/** The {@code sluice} command line: serve, mock, config check, version. */
package dev.sluice.gateway.cli;
