package io.queen.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code queen completion bash|zsh}: the shell completion script. */
@Command(name = "completion", description = {"Prints a shell completion script for bash or zsh.",
    "Use: source <(queen completion bash) (zsh: the same script; it loads bashcompinit)."})
final class CompletionCommand extends Base {
    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Override
    void execute() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new Exit(Exit.USAGE, "completion for bash or zsh, not '" + shell + "'");
        }
        session().io().out().print(AutoComplete.bash("queen", spec.root().commandLine()));
        session().io().out().flush();
    }
}
