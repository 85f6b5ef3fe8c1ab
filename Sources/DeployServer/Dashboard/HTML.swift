/// Building HTML text safely: every value that comes from a repository, a build's output, a feedback file or a
/// commit (all of which an attacker may write) goes through ``escape(_:)``.
enum HTML {
    /// `text` with `& < > " '` replaced by their character references: safe in element content and in quoted
    /// attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A whole page: the refreshing head, the shared style sheet and `body`.
    static func page(title: String, refreshSeconds: Int, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="refresh" content="\(refreshSeconds)">
        <title>\(escape(title))</title>
        <style>\(styleSheet)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// Plain CSS: readable on a phone (tables scroll sideways inside their box) and on a wide screen.
    static let styleSheet = """
        :root { color-scheme: light dark; --red: #c62828; --green: #2e7d32; --amber: #b26a00; }
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 1rem;
               max-width: 80rem; }
        h1 { font-size: 1.4rem; margin: 0 0 .5rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
        a { color: inherit; }
        .facts { display: flex; flex-wrap: wrap; gap: .4rem 1.5rem; margin: 0 0 1rem; padding: 0; list-style: none; }
        .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid rgba(128,128,128,.3);
                 vertical-align: top; white-space: nowrap; }
        td.note, td.message { white-space: normal; min-width: 14rem; }
        code, pre { font: .88rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
        pre { overflow-x: auto; padding: .6rem; background: rgba(128,128,128,.12); border-radius: 4px; }
        .passed, .healthy, .applied { color: var(--green); font-weight: 600; }
        .failed, .timedOut, .rolled-back, .rejected, .infrastructure { color: var(--red); font-weight: 600; }
        .flaky, .deploying, .cancelled, .skipped, .deferred { color: var(--amber); font-weight: 600; }
        @media (max-width: 40rem) { body { padding: .6rem; } th, td { padding: .3rem .4rem; } }
        """
}
