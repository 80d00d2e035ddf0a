/** The Java client of a Queen server. */
package io.queen.client;
