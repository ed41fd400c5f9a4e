using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Gmqtt.AspNetCore.Admin;

/// <summary>
/// A 404 with an RFC 9457 body. <c>NotFound&lt;ProblemDetails&gt;</c> would write it as <c>application/json</c>; this
/// writes <c>application/problem+json</c> through the problem details service (so it carries the trace id as the
/// 400s do) and still tells OpenAPI that the route answers 404 with problem details.
/// </summary>
internal sealed class NotFoundProblem(string detail) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IEndpointMetadataProvider
{
    public ProblemDetails Value { get; } = new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "Not Found",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        Detail = detail,
    };

    object? IValueHttpResult.Value => Value;

    public int? StatusCode => StatusCodes.Status404NotFound;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Problem(Value).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]));
    }
}
