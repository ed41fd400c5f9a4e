namespace Gmqtt.AspNetCore.Hosting;

/// <summary>Registered by AddGmqtt so that UseMqtt/MapMqtt can say clearly when it is missing.</summary>
internal sealed class GmqttMarkerService
{
    public static void EnsureRegistered(IServiceProvider services)
    {
        if (services.GetService(typeof(GmqttMarkerService)) is null)
        {
            throw new InvalidOperationException("Unable to find the Gmqtt services. Call services.AddGmqtt() when configuring the application.");
        }
    }
}
