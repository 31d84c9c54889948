"""The API's interactive page (issue 14 §3): Swagger UI from the app's own static files, under
the app's Content-Security-Policy, lists the operations; Chromium reports no CSP violation."""

from playwright.sync_api import Page, expect

LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCsp({directive: event.violatedDirective, blocked: event.blockedURI,
                      sample: event.sample});
});
"""


def test_the_docs_page_lists_the_operations_without_csp_violation(page: Page, live_server):
    violations: list = []
    requests: list[str] = []
    context = page.context
    context.expose_binding("__reportCsp", lambda source, report: violations.append(report))
    context.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Recouvrement")
    expect(page.locator(".opblock-tag", has_text="Clients")).to_be_visible()
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/receivables/bulk/")
    ).to_be_visible()
    # Open one operation: its parameters and answers render too.
    page.locator(".opblock-summary-path", has_text="/api/v1/customers/").first.click()
    expect(page.get_by_text("next_cursor").first).to_be_attached()
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text("TokenAuth").first).to_be_visible()
    page.wait_for_timeout(300)
    assert violations == []
    assert all(url.startswith(live_server.url) for url in requests), requests
