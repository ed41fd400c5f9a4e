namespace Gmqtt.Server.Auth;

/// <summary><c>Gmqtt:Acl</c>: allow/deny rules per user and topic filter, like Mosquitto's ACL file. Off by default.</summary>
public sealed class AclOptions
{
    /// <summary>Enforce the rules; when on, anything no rule allows is denied.</summary>
    public bool Enabled { get; set; }

    /// <summary>Rules, first match wins.</summary>
    public List<AclRule> Rules { get; set; } = [];
}

/// <summary>One rule.</summary>
public sealed class AclRule
{
    /// <summary>The user name it applies to; "*" for everyone (anonymous included).</summary>
    public string User { get; set; } = "*";

    /// <summary>"publish", "subscribe" or "all".</summary>
    public string Action { get; set; } = "all";

    /// <summary>The topic filter the topic (publish) or requested filter (subscribe) must match.</summary>
    public string Filter { get; set; } = "#";

    /// <summary>Allow (true) or deny (false).</summary>
    public bool Allow { get; set; } = true;

    /// <summary>For subscribe: the highest QoS granted.</summary>
    public int MaxQoS { get; set; } = 2;
}
