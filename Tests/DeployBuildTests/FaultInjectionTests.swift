import DeployBuild
import Testing

/// The fault-injection plan: its written form, which reach fires, and that copies count together. (A kill cannot be
/// tried in-process; the crash suite runs `deployctl-faults` for that.)
@Suite struct FaultInjectionTests {
    @Test func theDefaultPlanArmsNothing() {
        let plan = FaultInjection()
        #expect(!plan.isArmed)
        for point in FaultPoint.killPoints {
            plan.reach(point)
            #expect(!plan.halts(at: point))
        }
        #expect(plan == FaultInjection(), "plans that arm nothing are equal")
    }

    @Test func theWrittenFormNamesAKillPointAndAnOccurrence() throws {
        let first = try #require(FaultInjection(killSpecification: "stepRunning"))
        #expect(first.point == .stepRunning && first.occurrence == 1 && first.action == .kill)
        let second = try #require(FaultInjection(killSpecification: "feedbackRecorded@2"))
        #expect(second.point == .feedbackRecorded && second.occurrence == 2)
        for name in FaultPoint.killPoints.map(\.rawValue) {
            #expect(FaultInjection(killSpecification: name)?.point?.rawValue == name)
        }
    }

    @Test(arguments: ["", "nosuch", "stepRunning@", "stepRunning@0", "stepRunning@-1", "stepRunning@two", "@1",
        "journaled.claimed"])
    func aWrittenFormThatArmsNothingIsRefused(specification: String) {
        #expect(FaultInjection(killSpecification: specification) == nil)
    }

    @Test func aHaltFiresOnItsOccurrenceOnlyAndCopiesCountTogether() {
        let plan = FaultInjection(.halt, at: .patchApplied, occurrence: 3)
        let copy = plan
        #expect(!plan.halts(at: .patchCommitted), "another point is not counted")
        #expect(!plan.halts(at: .patchApplied))
        #expect(!copy.halts(at: .patchApplied), "the copy's reach is the second")
        #expect(plan.halts(at: .patchApplied), "the third reach halts")
        #expect(!copy.halts(at: .patchApplied), "only that one")
        #expect(plan == copy)
        #expect(plan != FaultInjection(.halt, at: .patchApplied, occurrence: 3), "another plan has its own count")
    }

    @Test func reachNeverStopsForAHalt() {
        let plan = FaultInjection(.halt, at: .logRotating)
        plan.reach(.logRotating)
        #expect(!plan.halts(at: .logRotating), "the first reach was counted by reach(_:), which cannot stop")
    }

    @Test func everyKillPointIsListedOnceUnderItsOwnName() {
        let names = FaultPoint.killPoints.map(\.rawValue)
        #expect(Set(names).count == names.count)
        #expect(names.count == 15)
        #expect(FaultPoint.killPoints.allSatisfy { "\($0)" == $0.rawValue })
    }
}
