using System.Net;
using Gmqtt.Protocol;
using Microsoft.Extensions.Logging;

namespace Gmqtt.Broker;

internal sealed partial class MqttConnection
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Connection from {RemoteEndPoint} refused by a hook before CONNECT.")]
        public static partial void ConnectionRefusedByHook(ILogger logger, EndPoint? remoteEndPoint);

        [LoggerMessage(2, LogLevel.Information, "Client {ClientId} connected ({Version} over {Transport} from {RemoteEndPoint}, session present: {SessionPresent}).")]
        public static partial void ClientConnected(ILogger logger, string clientId, MqttProtocolVersion version, string transport, EndPoint? remoteEndPoint, bool sessionPresent);

        [LoggerMessage(3, LogLevel.Information, "CONNECT ({Version}) from {RemoteEndPoint} refused with {ReasonCode}: {Why}.")]
        public static partial void ConnectRefused(ILogger logger, MqttProtocolVersion version, EndPoint? remoteEndPoint, MqttReasonCode reasonCode, string why);

        [LoggerMessage(4, LogLevel.Warning, "Protocol violation by {Peer}, closing ({ReasonCode}): {Message}")]
        public static partial void ProtocolViolation(ILogger logger, string? peer, MqttReasonCode reasonCode, string message);

        [LoggerMessage(5, LogLevel.Information, "No CONNECT from {RemoteEndPoint} within the connect timeout; closing.")]
        public static partial void ConnectTimeout(ILogger logger, EndPoint? remoteEndPoint);

        [LoggerMessage(6, LogLevel.Information, "Client {ClientId} exceeded 1.5 times its keep alive; closing.")]
        public static partial void KeepAliveTimeout(ILogger logger, string clientId);

        [LoggerMessage(7, LogLevel.Debug, "Client {ClientId} closed the connection inside a packet ({Bytes} bytes left).")]
        public static partial void TruncatedPacket(ILogger logger, string? clientId, long bytes);

        [LoggerMessage(9, LogLevel.Information, "Message on {Topic} for client {ClientId} dropped: larger than its Maximum Packet Size {Maximum}.")]
        public static partial void MessageTooLarge(ILogger logger, string clientId, string topic, uint maximum);

        [LoggerMessage(8, LogLevel.Error, "Connection of client {ClientId} failed.")]
        public static partial void ConnectionFailed(ILogger logger, string? clientId, Exception exception);
    }
}
