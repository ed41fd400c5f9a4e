using System.Buffers;
using System.Text.Unicode;

namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>
/// What a tail keeps of a published message: the publisher's thread copies at most the preview's bytes, and the
/// reader turns them into text or hex (<see cref="Describe"/>) off that thread.
/// </summary>
internal sealed record TailEntry(DateTimeOffset At, string Topic, int QoS, bool Retain, string? ClientId, int Size, byte[] Head)
{
    // Binary payloads are shown as hex; this many bytes of it are plenty to recognise a frame.
    private const int HexBytes = 64;

    public static TailEntry Create(MqttApplicationMessage message, string? clientId, DateTimeOffset at, int previewBytes)
    {
        var payload = message.Payload.Span;
        return new TailEntry(at, message.Topic, (int)message.QoS, message.Retain, clientId ?? message.SenderClientId, payload.Length,
            payload[..Math.Min(payload.Length, previewBytes)].ToArray());
    }

    /// <summary>The event sent to the browser; <paramref name="dropped"/> is the tail's drop count so far.</summary>
    public DashboardTailMessage Describe(long dropped)
    {
        var truncated = Head.Length < Size;
        string? text = null;
        var chars = ArrayPool<char>.Shared.Rent(Head.Length);
        try
        {
            // Text when the kept bytes are UTF-8; a character cut at the end of a truncated preview still counts.
            var status = Utf8.ToUtf16(Head, chars, out _, out var written, replaceInvalidSequences: false, isFinalBlock: !truncated);
            if (status is OperationStatus.Done or OperationStatus.NeedMoreData)
            {
                text = new string(chars, 0, written);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        var hex = text is null ? Convert.ToHexString(Head, 0, Math.Min(Head.Length, HexBytes)) : null;
        truncated |= hex is not null && Head.Length > HexBytes;
        return new DashboardTailMessage(At, Topic, QoS, Retain, ClientId, Size, text, hex, truncated, dropped);
    }
}
