import Foundation

/// Waiting for something a process does in the background (a loop's cycle, a server's answer), by asking again.
public enum Polling {
    /// Asks `condition` every `interval` seconds until it holds or `seconds` have passed; whether it held.
    public static func wait(upTo seconds: Double, every interval: Double = 0.1, until condition: () throws -> Bool)
        rethrows -> Bool
    {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: interval)
        }
        return try condition()
    }
}
