import Foundation

/// Reads `/proc` to see which processes are alive, independently of the code under test.
enum ProcessInspection {
    /// Live (non-zombie) processes whose process group is `groupID`.
    static func liveMembers(ofGroup groupID: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            // Fields after the command: state, ppid, pgrp, …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2 else { return false }
            return fields[0] != "Z" && Int32(fields[2]) == groupID
        }
    }

    /// Whether `pid` is alive and not a zombie.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }
}
