//! Subcommands whose arguments clap builds only when that subcommand is chosen (or when help
//! or completions need them all). Without it every start builds the whole command tree: a
//! quarter of the instructions a query runs.

use clap::{ArgMatches, Args, Command, Error, FromArgMatches, Subcommand};

/// `T`'s arguments (or subcommands), built by clap only when they are needed.
#[derive(Debug, Clone)]
pub struct Deferred<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), Error> {
        self.0.update_from_arg_matches(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(command: Command) -> Command {
        command.defer(|command| keeping_about(command, T::augment_args))
    }

    fn augment_args_for_update(command: Command) -> Command {
        command.defer(|command| keeping_about(command, T::augment_args_for_update))
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

impl<T: Subcommand> Subcommand for Deferred<T> {
    fn augment_subcommands(command: Command) -> Command {
        command.defer(|command| keeping_about(command, T::augment_subcommands))
    }

    fn augment_subcommands_for_update(command: Command) -> Command {
        command.defer(|command| keeping_about(command, T::augment_subcommands_for_update))
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

/// Runs `augment`, then puts back the about texts the subcommand's own doc comment set: built
/// in place, the derive applies them after the arguments' type has set its own, so they win.
/// (A subcommand given only a short `about` keeps its arguments' type's long text.)
fn keeping_about(command: Command, augment: fn(Command) -> Command) -> Command {
    let Some(about) = command.get_about().cloned() else {
        return augment(command);
    };
    let long_about = command.get_long_about().cloned();
    let command = augment(command).about(about);
    match long_about {
        Some(text) => command.long_about(text),
        None => command,
    }
}
