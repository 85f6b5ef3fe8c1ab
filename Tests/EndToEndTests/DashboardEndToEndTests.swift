import DeployTestSupport
import Foundation
import Testing

/// The dashboard as a person sees it: `loop --listen` of the built binary opened in real headless Chromium (Debian's
/// `chromium`, installed by `scripts/install-deps.sh`), its DOM read back and screenshots kept as test artifacts.
@Suite(.serialized) struct DashboardEndToEndTests {
    /// A hostile compiler message: it must reach the page as text, never as markup.
    static let hostileMessage = #"cannot convert value <script>document.title="owned"</script> to Int"#

    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Where screenshots are kept: the suite's artifacts folder (`DEPLOYCTL_TEST_ARTIFACTS`, as `make test` sets it)
    /// or the temporary folder.
    static var artifacts: URL {
        let folder = ProcessInfo.processInfo.environment["DEPLOYCTL_TEST_ARTIFACTS"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: NSTemporaryDirectory())
        let screenshots = folder.appendingPathComponent("dashboard-screenshots")
        try? FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        return screenshots
    }

    /// Chromium's DOM of `url` after loading it (`--dump-dom`), and a screenshot at `size` kept as `name`.
    static func open(_ url: String, screenshot name: String, size: String, scratch: ScratchDirectory) throws -> String {
        let browser = try #require(chromium, "no Chromium: run scripts/install-deps.sh (apt install chromium)")
        let profile = scratch.appending("chromium-profile")
        let common = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=\(profile.path)", "--window-size=\(size)",
        ]
        let dom = try Shell.run(common + ["--dump-dom", url])
        #expect(dom.status == 0, "\(dom.stderr.suffix(2000))")
        let shot = artifacts.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: shot)
        let picture = try Shell.run(common + ["--screenshot=\(shot.path)", url])
        #expect(picture.status == 0 && FileManager.default.fileExists(atPath: shot.path), "\(picture.stderr.suffix(2000))")
        return dom.stdout
    }

    @Test func theDashboardShowsEveryRepositoryAndARedOnesDiagnosticAsTextOnAPhoneAndAWideScreen() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-dashboard")
        defer { scratch.remove() }
        let fixture = GitFixture(scratch: scratch)
        let root = scratch.appending("root")
        let build = "echo 'Sources/App/main.swift:3:7: error: \(Self.hostileMessage)'\nexit 1\n"
        let broken = try fixture.makeRemote("broken", files: ["build.sh": build])
        let fine = try fixture.makeRemote("fine", files: ["build.sh": "echo fine\n"])
        try fixture.clone(broken, as: "root/repos/broken")
        try fixture.clone(fine, as: "root/repos/fine")
        let entries: [[String: Any]] = [
            ["name": "broken", "url": broken.path, "build": ["sh", "build.sh"], "test": ["true"]],
            ["name": "fine", "url": fine.path, "build": ["sh", "build.sh"], "test": ["true"]],
        ]
        try JSONSerialization.data(withJSONObject: ["repositories": entries]).write(
            to: root.appendingPathComponent("deployctl.json"))
        let port = try DeployedServiceFixture.freePort()
        let loop = try Deployctl.startWithoutTerminal(
            ["loop", "--root", root.path, "--interval", "3600", "--listen", "127.0.0.1:\(port)"],
            environment: ["DISPATCHER_USE_PRS": "0", "DISPATCHER_VERIFY_FEEDBACK": "0"])
        defer { loop.stop() }
        let ready = Polling.wait(upTo: 60) {
            (try? Shell.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/readyz"]))?
                .stdout == "200"
        }
        try #require(ready, "the loop finished its first cycle")

        let overview = try Self.open(
            "http://127.0.0.1:\(port)/", screenshot: "overview-wide.png", size: "1280,800", scratch: scratch)
        #expect(overview.contains(#"<tr class="repository" data-result="failed"><td><a href="/repositories/broken">broken</a>"#), "\(overview)")
        #expect(overview.contains(#"<tr class="repository" data-result="passed"><td><a href="/repositories/fine">fine</a>"#))
        #expect(overview.contains(#"<meta http-equiv="refresh""#), "it refreshes itself")
        #expect(!overview.contains("<script"), "no script on the page")
        _ = try Self.open("http://127.0.0.1:\(port)/", screenshot: "overview-phone.png", size: "390,844", scratch: scratch)

        let page = try Self.open(
            "http://127.0.0.1:\(port)/repositories/broken", screenshot: "broken-phone.png", size: "390,844",
            scratch: scratch)
        #expect(page.contains("<code>Sources/App/main.swift:3:7</code>"), "the diagnostic with file:line:column: \(page)")
        #expect(page.contains(#"cannot convert value &lt;script&gt;document.title="owned"&lt;/script&gt; to Int"#), "as text")
        #expect(!page.contains("<script"), "the hostile message never becomes markup")
        #expect(page.contains("<title>broken — deployctl</title>"), "its title is not the one the message tried to set")
        #expect(page.contains(#"<pre id="log">"#), "the log's last lines")
        #expect(page.contains(#"<table id="cycles">"#), "its recent cycles")
        _ = try Self.open(
            "http://127.0.0.1:\(port)/repositories/broken", screenshot: "broken-wide.png", size: "1280,800",
            scratch: scratch)

        let missing = try Shell.run([
            "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/repositories/..%2Fetc",
        ])
        #expect(missing.stdout == "404")
        let headers = try Shell.run(["curl", "-s", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(port)/"]).stdout
        #expect(headers.lowercased().contains("content-security-policy: default-src 'none'"), "\(headers)")
        loop.send(SIGTERM)
        #expect(loop.waitUntilExit() == 0)
    }
}
