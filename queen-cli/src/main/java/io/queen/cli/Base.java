package io.queen.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * A command that does something: reaches the session through the root command and exits 0
 * unless it throws (see {@link Failures} for the codes).
 */
abstract class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    final Session session() {
        return ((QueenCommand) spec.root().userObject()).session();
    }

    final Api api() {
        return session().api();
    }

    @Override
    public final Integer call() throws Exception {
        execute();
        return Exit.OK;
    }

    abstract void execute() throws Exception;
}
