using Gmqtt.AspNetCore.Tests.Infrastructure;
using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using static Microsoft.Playwright.Assertions;

namespace Gmqtt.AspNetCore.Tests.Dashboard;

/// <summary>
/// The dashboard end to end in headless Chromium against the sample broker on real sockets, with MQTTnet clients as
/// the other side. Playwright's expectations wait (up to a timeout) for what the page shows; nothing sleeps.
/// </summary>
public class DashboardBrowserTests(DashboardServerFixture server, ChromiumFixture chromium)
    : IClassFixture<DashboardServerFixture>, IClassFixture<ChromiumFixture>
{
    private static readonly float Timeout = (float)MqttnetClient.Timeout.TotalMilliseconds;

    static DashboardBrowserTests() => SetDefaultExpectTimeout(Timeout);

    /// <summary>A fresh browser context on the dashboard, signed in (the sign-in cookie) unless told otherwise; JavaScript errors are collected.</summary>
    private async Task<(IPage Page, List<string> Errors)> OpenAsync(bool signedIn = true)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
        });
        context.SetDefaultTimeout(Timeout);
        if (signedIn)
        {
            var cookie = server.KeyCookie;
            await context.AddCookiesAsync([new Cookie { Name = cookie.Name, Value = cookie.Value, Domain = cookie.Domain, Path = cookie.Path }]);
        }

        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        return (page, errors);
    }

    private static async Task<IPage> LoadAsync(IPage page)
    {
        var response = await page.GotoAsync("/dashboard/");
        Assert.Equal(200, response!.Status);
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live"); // The event stream is open.
        return page;
    }

    [Fact]
    public async Task Without_the_key_the_page_is_a_401_sign_in_form_and_the_key_opens_the_live_dashboard()
    {
        var (page, errors) = await OpenAsync(signedIn: false);
        var response = await page.GotoAsync("/dashboard");
        Assert.Equal(401, response!.Status);

        await page.GetByLabel("API key").FillAsync("not-the-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That key was not accepted.");

        await page.GetByLabel("API key").FillAsync(DashboardServerFixture.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.Locator("#version")).ToContainTextAsync("Gmqtt");

        // The chart, seeded from the history and extended every second by the event stream, draws its lines.
        await Expect(page.Locator("#chart path.line-in")).ToHaveCountAsync(1);
        errors.Clear(); // The refused sign-in logged its 401; what follows must be clean.

        // Signing out forgets the key: the page asks for it again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_client_connected_by_MQTTnet_appears_in_the_clients_table_with_its_session_details()
    {
        var (page, errors) = await OpenAsync();
        await LoadAsync(page);

        using var client = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "e2e-visible").Build());
        await client.SubscribeAsync("e2e/visible/#", MqttQualityOfServiceLevel.AtLeastOnce);

        var row = page.Locator("#clients tr[data-client-id='e2e-visible']");
        await Expect(row).ToContainTextAsync("online");
        await Expect(row).ToContainTextAsync("5.0");

        await page.GetByPlaceholder("Search client id, user or address").FillAsync("e2e-vis");
        await Expect(page.Locator("#clients tbody tr")).ToHaveCountAsync(1);

        await row.ClickAsync();
        await Expect(page.Locator("#detail-id")).ToHaveTextAsync("e2e-visible");
        await Expect(page.Locator("#detail-subscriptions")).ToContainTextAsync("e2e/visible/#");
        await Expect(page.Locator("#detail-facts")).ToContainTextAsync("Queued");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_message_published_from_the_form_reaches_an_MQTTnet_subscriber()
    {
        var (page, errors) = await OpenAsync();
        await LoadAsync(page);
        using var subscriber = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V311, "e2e-subscriber").Build());
        await subscriber.SubscribeAsync("e2e/publish/+", MqttQualityOfServiceLevel.AtLeastOnce);

        await page.GetByLabel("Topic", new() { Exact = true }).FillAsync("e2e/publish/form");
        await page.GetByLabel("Payload").FillAsync("{\"from\":\"the dashboard\"}");
        await page.GetByLabel("QoS").SelectOptionAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();

        var message = await subscriber.ReceiveAsync();
        Assert.Equal("e2e/publish/form", message.Topic);
        Assert.Equal("{\"from\":\"the dashboard\"}", message.ConvertPayloadToString());
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
        await Expect(page.Locator("#publish-result")).ToContainTextAsync("Published to e2e/publish/form");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_live_tail_shows_a_message_an_MQTTnet_client_publishes_to_its_filter()
    {
        var (page, errors) = await OpenAsync();
        await LoadAsync(page);

        await page.GetByLabel("Topic filter", new() { Exact = true }).FillAsync("e2e/tail/#");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
        await Expect(page.Locator("#tail-card")).ToHaveAttributeAsync("data-listening", "e2e/tail/#");

        using var publisher = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "ws", MqttProtocolVersion.V500, "e2e-tail-publisher").Build());
        await publisher.PublishAsync("e2e/other", "not shown", MqttQualityOfServiceLevel.AtLeastOnce);
        await publisher.PublishAsync("e2e/tail/temperature", "21.5", MqttQualityOfServiceLevel.AtLeastOnce);

        var row = page.Locator("#tail tr[data-topic='e2e/tail/temperature']");
        await Expect(row).ToContainTextAsync("21.5");
        await Expect(row).ToContainTextAsync("e2e-tail-publisher");
        await Expect(page.Locator("#tail tbody tr")).ToHaveCountAsync(1); // e2e/other did not match.

        await page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        await Expect(page.Locator("#tail-status")).ToHaveTextAsync("stopped");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_disconnect_button_drops_the_client()
    {
        var (page, errors) = await OpenAsync();
        await LoadAsync(page);
        const string id = "e2e/doomed client"; // A slash and a space: the page must escape the id in the admin API's path.
        using var client = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, id).Build());
        var row = page.Locator($"#clients tr[data-client-id='{id}']");
        await Expect(row).ToContainTextAsync("online");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Disconnect {id}" }).ClickAsync();

        var disconnected = await client.Disconnected.WaitAsync(MqttnetClient.Timeout);
        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, disconnected.Reason);
        await Expect(row).ToHaveCountAsync(0); // A clean session ends with its connection.
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_retained_browser_lists_a_retained_message_and_deletes_it()
    {
        using var publisher = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V311, "e2e-retainer").Build());
        await publisher.PublishAsync("e2e/retained/door", "closed", MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
        var (page, errors) = await OpenAsync();
        await LoadAsync(page);

        await page.GetByLabel("Retained topic filter").FillAsync("e2e/retained/+");
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        var row = page.Locator("#retained tr[data-topic='e2e/retained/door']");
        await Expect(row).ToContainTextAsync("closed");

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete retained e2e/retained/door" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        Assert.Null(server.Broker.RetainedMessages.Get("e2e/retained/door"));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.Context.CloseAsync();
    }
}
