import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fault-injection plan: at which ``FaultPoint``, on which occurrence, and what happens there — the process kills
/// itself with `SIGKILL` (as a power cut or the OOM killer would, so that the next run has to recover), or the work
/// in progress halts as if it had been killed (for in-process tests).
///
/// The default plan (``init()``) arms nothing, and every ``reach(_:)`` returns at once. Library types that reach
/// points take the plan as a stored value in their options or initialisers and pass it on to what they build; the
/// shipped `deployctl` always uses the default. Only the test-only `deployctl-faults` executable (which reads its
/// crash variable, docs/reliability.md) and test targets arm one.
///
/// Copies of a plan share one count of how often the armed point was reached, so a plan handed to several types of
/// one run counts their reaches together (`stepRunning@2` is the second step of the run, whichever runner starts it).
public struct FaultInjection: Sendable, Hashable {
    /// What happens when the armed point is reached for the armed time.
    public enum Action: String, Sendable, Hashable {
        /// The process sends itself `SIGKILL`.
        case kill
        /// The caller stops its work there (``halts(at:)`` returns true); ignored by ``reach(_:)``, which cannot stop.
        case halt
    }

    /// The armed point, or `nil` for the plan that does nothing.
    public let point: FaultPoint?
    /// The reach of ``point`` that fires (1 is the first).
    public let occurrence: Int
    /// What happens then.
    public let action: Action
    private let reaches: ReachCounter

    /// The plan that injects nothing: the default everywhere.
    public init() {
        point = nil
        occurrence = 1
        action = .kill
        reaches = ReachCounter()
    }

    /// A plan armed at `point`.
    /// - Parameters:
    ///   - point: where it fires.
    ///   - occurrence: the reach that fires (values below 1 mean 1).
    ///   - action: kill the process, or halt the work.
    public init(_ action: Action, at point: FaultPoint, occurrence: Int = 1) {
        self.point = point
        self.occurrence = max(1, occurrence)
        self.action = action
        reaches = ReachCounter()
    }

    /// A kill plan from its written form, `NAME` (the first reach) or `NAME@N` (the N-th), as `deployctl-faults`'
    /// crash variable spells it; `nil` when NAME is none of ``FaultPoint/killPoints`` or N is not a positive integer.
    public init?(killSpecification specification: String) {
        let parts = specification.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = parts.first, let point = FaultPoint.killPoints.first(where: { $0.rawValue == name }) else {
            return nil
        }
        var occurrence = 1
        if parts.count == 2 {
            guard let count = Int(parts[1]), count >= 1 else { return nil }
            occurrence = count
        }
        self.init(.kill, at: point, occurrence: occurrence)
    }

    /// Whether the plan arms a point at all.
    public var isArmed: Bool { point != nil }

    /// Reaches `point`: with a kill armed there, the armed reach kills the process with `SIGKILL` (it does not
    /// return). Anything else returns at once.
    @inline(__always)
    public func reach(_ point: FaultPoint) {
        guard self.point == point else { return }
        _ = fire()
    }

    /// Reaches `point` where the caller can stop: returns true when the plan halts here (the caller then stops as
    /// if killed at this point). A kill armed here kills the process as in ``reach(_:)``.
    @inline(__always)
    public func halts(at point: FaultPoint) -> Bool {
        guard self.point == point else { return false }
        return fire()
    }

    /// Counts a reach of the armed point and acts on the armed one: kills, or returns true for a halt.
    private func fire() -> Bool {
        guard reaches.increment() == occurrence else { return false }
        switch action {
        case .kill:
            kill(getpid(), SIGKILL)
            return false
        case .halt:
            return true
        }
    }

    /// Plans that arm nothing are equal; armed plans are equal when they are copies of one plan (one count).
    public static func == (lhs: FaultInjection, rhs: FaultInjection) -> Bool {
        guard lhs.point != nil || rhs.point != nil else { return true }
        return lhs.point == rhs.point && lhs.occurrence == rhs.occurrence && lhs.action == rhs.action
            && lhs.reaches === rhs.reaches
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(point)
        hasher.combine(occurrence)
        hasher.combine(action)
    }
}

/// How often a plan's armed point was reached, shared by the plan's copies.
private final class ReachCounter: Sendable {
    private let count = Mutex(0)

    /// Adds one reach; returns the new count.
    func increment() -> Int {
        count.withLock { value in
            value += 1
            return value
        }
    }
}
