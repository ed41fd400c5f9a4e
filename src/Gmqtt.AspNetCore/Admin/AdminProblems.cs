using Gmqtt.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gmqtt.AspNetCore.Admin;

/// <summary>The admin API's 404s and refusals (400s come from <see cref="AdminValidator"/>).</summary>
internal static class AdminProblems
{
    public static NotFoundProblem NotFound(string detail) => new(detail);

    public static NotFoundProblem NoSession(string clientId) => NotFound($"No session for client '{clientId}'.");

    /// <summary>
    /// A 422 for a subscription the broker refused as it would refuse a SUBSCRIBE (hook, quota, options), with the
    /// SUBACK reason code as <c>reasonCode</c> and its name as <c>reason</c>.
    /// </summary>
    public static ProblemHttpResult SubscriptionRefused(string clientId, string filter, MqttReasonCode code) => TypedResults.Problem(
        detail: $"The broker refused to subscribe client '{clientId}' to '{filter}': {code} (0x{(byte)code:X2}).",
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Subscription refused",
        extensions: new Dictionary<string, object?> { ["reasonCode"] = (int)code, ["reason"] = code.ToString() });
}
