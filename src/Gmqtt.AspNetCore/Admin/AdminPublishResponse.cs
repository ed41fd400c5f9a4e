namespace Gmqtt.AspNetCore.Admin;

/// <summary>The broker's answer to a publish, as a PUBACK would carry it.</summary>
/// <param name="ReasonCode">0 Success, 16 (0x10) No matching subscribers, or a publish hook's refusal (128 and above).</param>
/// <param name="Reason">The reason code's name, e.g. "Success" or "NotAuthorized".</param>
public sealed record AdminPublishResponse(int ReasonCode, string Reason);
