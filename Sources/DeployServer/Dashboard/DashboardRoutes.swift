import DeployBuild
import DeployCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /` and `GET /repositories/NAME`: the dashboard, HTML and CSS only, with a content security policy that
/// allows no script, no frame and nothing from elsewhere.
struct DashboardRoutes: Sendable {
    let root: DeployRoot
    let store: OpenStore

    static let securityHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    func add(to router: Router<BasicRequestContext>) {
        let pages = DashboardPages(root: root)
        router.get("/") { _, _ in
            do throws(DispatcherError) {
                return Self.html(pages.overview(try store.status(deployments: 10)))
            } catch {
                return HTTPAnswer.text("the status cannot be read: \(error)\n", status: .internalServerError)
            }
        }
        router.get("repositories/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard RepositoryName.isValid(name),
                let report = try? store.status(history: 50),
                let repository = report.repos.first(where: { $0.name == name })
            else { return HTTPAnswer.text("no managed repository named that\n", status: .notFound) }
            let build = (try? store.store?.repositoryStates())??[name]?.lastBuild?.reportJSON.flatMap {
                try? JSONDecoder().decode(BuildReport.self, from: Data($0.utf8))
            }
            return Self.html(pages.repository(repository, report: build, history: report.history ?? []))
        }
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: securityHeaders, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
