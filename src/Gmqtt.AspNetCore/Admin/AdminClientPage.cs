namespace Gmqtt.AspNetCore.Admin;

/// <summary>One page of sessions, ordered by client identifier.</summary>
/// <param name="Items">The sessions on this page.</param>
/// <param name="Page">The page number, from 1.</param>
/// <param name="PageSize">The largest number of items a page holds.</param>
/// <param name="Total">How many sessions match the filters, over all pages.</param>
public sealed record AdminClientPage(IReadOnlyList<AdminClient> Items, int Page, int PageSize, int Total);
