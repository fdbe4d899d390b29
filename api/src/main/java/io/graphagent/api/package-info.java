/**
 * The public vertex-program API of graphagent: a user's program jar depends on this package
 * and nothing else. Start at {@link io.graphagent.api.VertexProgram}.
 */
package io.graphagent.api;
