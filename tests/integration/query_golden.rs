//! Query output against the outputs recorded from policy_sentry 0.12.15.
