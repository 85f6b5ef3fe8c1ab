/// Who a ``BuildStep``'s processes belong to once the step has ended, or deployctl with it.
///
/// Within the step nothing differs: the step runs in its own session, and its timeout or a cancellation ends its
/// whole process group either way. What differs is a dispatcher killed while the step ran: a step it owns carries
/// ``OrphanedSteps/ownerVariable``, and the next dispatcher on the root ends what it left behind; an independent
/// step's processes are left alone.
public enum ProcessOwnership: String, Sendable, Hashable, Codable {
    /// Owned by the dispatcher that started it: a build, a test, a verification (the default).
    case dispatcher
    /// May outlive the dispatcher: a restart command, which may start services meant to keep running.
    case independent
}
