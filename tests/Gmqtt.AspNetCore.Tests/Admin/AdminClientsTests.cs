using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gmqtt.AspNetCore.Admin;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests.Admin;

/// <summary>/clients and /sessions against real MQTTnet clients on the sample's TCP endpoint.</summary>
public class AdminClientsTests(AdminServerFactory server) : IClassFixture<AdminServerFactory>
{
    [Fact]
    public async Task A_connected_client_appears_with_its_details_and_traffic()
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("details-1", MqttProtocolVersion.V500, o => o
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(42)).WithCredentials("alice", "secret").WithSessionExpiryInterval(300));
        await client.SubscribeAsync("details/#", MqttQualityOfServiceLevel.AtLeastOnce);
        for (var i = 0; i < 3; i++)
        {
            await client.PublishAsync("elsewhere/x", "hello", MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var page = await http.GetFromJsonAsync<AdminClientPage>("clients?search=details-1");
        var listed = Assert.Single(page!.Items);
        Assert.Equal(1, page.Total);
        Assert.Equal("details-1", listed.ClientId);
        Assert.True(listed.Connected);
        Assert.False(listed.CleanSession);
        Assert.Equal("5.0", listed.ProtocolVersion);
        Assert.Equal("alice", listed.UserName);
        Assert.StartsWith("127.0.0.1:", listed.RemoteEndPoint, StringComparison.Ordinal);
        Assert.Equal("tcp", listed.Transport);
        Assert.Equal(42, listed.KeepAlive);
        Assert.Equal(300u, listed.SessionExpiryInterval);
        Assert.InRange(listed.ConnectedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.Equal(new AdminSubscription("details-1", "details/#", 1, false, false, 0), Assert.Single(listed.Subscriptions));
        Assert.Equal(3, listed.MessagesReceived); // three PUBLISH packets, all acknowledged before PublishAsync returned
        Assert.True(listed.BytesReceived > 3 * "elsewhere/x".Length, $"bytesReceived {listed.BytesReceived}");
        Assert.True(listed.BytesSent > 0);
        Assert.Equal(0, listed.QueuedMessages);

        // The same resource by id, as client and as session.
        Assert.Equal("details-1", (await http.GetFromJsonAsync<AdminClient>("clients/details-1"))!.ClientId);
        Assert.Equal("alice", (await http.GetFromJsonAsync<AdminClient>("sessions/details-1"))!.UserName);
    }

    [Fact]
    public async Task Client_JSON_uses_the_contract_s_camelCase_names_and_version_strings()
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("json-names", MqttProtocolVersion.V311);

        var json = await http.GetFromJsonAsync<JsonElement>("clients/json-names");

        string[] expected = ["clientId", "connected", "cleanSession", "protocolVersion", "userName", "remoteEndPoint", "transport",
            "connectedAt", "keepAlive", "subscriptions", "queuedMessages", "inflightMessages", "sessionExpiryInterval",
            "messagesReceived", "messagesSent", "bytesReceived", "bytesSent"];
        Assert.Equal(expected, json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("3.1.1", json.GetProperty("protocolVersion").GetString());
    }

    [Fact]
    public async Task A_client_id_with_slashes_and_spaces_is_addressed_by_its_escaped_form()
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("site/1 gateway%");
        var path = "clients/" + Uri.EscapeDataString("site/1 gateway%");

        Assert.Equal("site/1 gateway%", (await http.GetFromJsonAsync<AdminClient>(path))!.ClientId);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync(path + "/subscriptions", new { filter = "x/y", qos = 0 })).StatusCode);
        Assert.Equal("x/y", Assert.Single((await http.GetFromJsonAsync<List<AdminSubscription>>(path + "/subscriptions"))!).Filter);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Lists_are_paged_in_client_id_order_with_totals()
    {
        using var http = server.Http();
        using var c = await server.ConnectAsync("paged-c");
        using var a = await server.ConnectAsync("paged-a");
        using var b = await server.ConnectAsync("paged-b");

        var first = await http.GetFromJsonAsync<AdminClientPage>("clients?search=PAGED-&pageSize=2");
        var second = await http.GetFromJsonAsync<AdminClientPage>("clients?search=paged-&pageSize=2&page=2");
        var beyond = await http.GetFromJsonAsync<AdminClientPage>("sessions?search=paged-&pageSize=2&page=3");
        var emptyFilter = await http.GetFromJsonAsync<AdminClientPage>("clients?search=paged-&pageSize=2&connected=");

        Assert.Equal(["paged-a", "paged-b"], first!.Items.Select(i => i.ClientId));
        Assert.Equal((1, 2, 3), (first.Page, first.PageSize, first.Total));
        Assert.Equal(["paged-c"], second!.Items.Select(i => i.ClientId));
        Assert.Empty(beyond!.Items);
        Assert.Equal(3, beyond.Total);
        Assert.Equal(first.Items, emptyFilter!.Items, (x, y) => x.ClientId == y.ClientId); // "connected=" is no filter
    }

    [Fact]
    public async Task Sessions_include_offline_ones_and_connected_filters_them()
    {
        using var http = server.Http();
        using (var leaving = await server.ConnectAsync("offline-1", MqttProtocolVersion.V500, o => o.WithSessionExpiryInterval(600)))
        {
            await leaving.SubscribeAsync("offline/+", MqttQualityOfServiceLevel.AtLeastOnce);
            await leaving.Client.DisconnectAsync();
        }

        using var online = await server.ConnectAsync("offline-2");
        await AdminAssert.EventuallyAsync(() => Task.FromResult(server.Broker.GetClient("offline-1") is { Connected: false }), "offline-1 to be offline");

        var offline = await http.GetFromJsonAsync<AdminClientPage>("sessions?search=offline-&connected=false");
        var connected = await http.GetFromJsonAsync<AdminClientPage>("clients?search=offline-&connected=true");

        var session = Assert.Single(offline!.Items);
        Assert.Equal(("offline-1", false, null), (session.ClientId, session.Connected, session.RemoteEndPoint));
        Assert.Equal("offline/+", Assert.Single(session.Subscriptions).Filter);
        Assert.Equal(["offline-2"], connected!.Items.Select(i => i.ClientId));
    }

    [Theory]
    [InlineData("clients?page=0", "page")]
    [InlineData("clients?pageSize=0", "pageSize")]
    [InlineData("sessions?pageSize=1001", "pageSize")]
    [InlineData("sessions?connected=maybe", "connected")]
    [InlineData("DELETE clients/c?endSession=yes", "endSession")]
    public async Task Invalid_query_values_are_400_validation_problems(string path, string field)
    {
        using var http = server.Http();
        var method = path.StartsWith("DELETE ", StringComparison.Ordinal) ? HttpMethod.Delete : HttpMethod.Get;
        await AdminAssert.ValidationProblemAsync(await http.SendAsync(new HttpRequestMessage(method, path.Replace("DELETE ", "", StringComparison.Ordinal))), field);
    }

    [Theory]
    [InlineData("clients?page=abc")]
    [InlineData("sessions?pageSize=1.5")]
    public async Task Unparsable_query_values_are_a_400_problem(string path)
    {
        using var http = server.Http();
        await AdminAssert.ProblemAsync(await http.GetAsync(path), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("GET", "clients/nobody")]
    [InlineData("GET", "sessions/nobody")]
    [InlineData("DELETE", "clients/nobody")]
    [InlineData("DELETE", "clients/nobody?endSession=true")]
    public async Task Unknown_client_is_a_404_problem(string method, string path)
    {
        using var http = server.Http();
        var problem = await AdminAssert.ProblemAsync(await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)), HttpStatusCode.NotFound);
        Assert.Contains("nobody", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disconnect_closes_the_connection_with_0x98_and_keeps_the_session()
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("kicked-1", MqttProtocolVersion.V500, o => o.WithSessionExpiryInterval(600));

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("clients/kicked-1")).StatusCode);

        var disconnected = await client.Disconnected.WaitAsync(Infrastructure.MqttnetClient.Timeout);
        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, disconnected.Reason);
        var session = await http.GetFromJsonAsync<AdminClient>("sessions/kicked-1");
        Assert.False(session!.Connected);

        // Offline now: a plain disconnect has nothing to close; ending the session removes it.
        await AdminAssert.ProblemAsync(await http.DeleteAsync("clients/kicked-1"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("clients/kicked-1?endSession=true")).StatusCode);
        await AdminAssert.ProblemAsync(await http.GetAsync("sessions/kicked-1"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Disconnect_with_endSession_removes_a_connected_client_s_session()
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("kicked-2", MqttProtocolVersion.V311, o => o.WithCleanSession(false));

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("clients/kicked-2?endSession=true")).StatusCode);

        await client.Disconnected.WaitAsync(Infrastructure.MqttnetClient.Timeout);
        await AdminAssert.ProblemAsync(await http.GetAsync("clients/kicked-2"), HttpStatusCode.NotFound);
        Assert.Null(server.Broker.GetClient("kicked-2"));
    }
}
