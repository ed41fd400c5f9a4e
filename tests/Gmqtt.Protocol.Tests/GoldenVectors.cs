using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>
/// One packet and its encoding, written by hand from the OASIS standards (never produced by the writer).
/// </summary>
/// <param name="Name">Unique, readable; the theory case is named after it.</param>
/// <param name="Version">The protocol version the bytes are read and written with.</param>
/// <param name="Bytes">The whole packet, fixed header included.</param>
/// <param name="Packet">Builds the packet the bytes stand for (a fresh instance per call).</param>
/// <param name="IsCanonical">
/// Whether the writer must produce exactly these bytes. A few vectors are valid but not the shortest form
/// (e.g. a PUBACK that spells out Property Length 0, or properties out of identifier order): the reader must
/// accept them, the writer never emits them.
/// </param>
public sealed record GoldenVector(
    string Name,
    MqttProtocolVersion Version,
    byte[] Bytes,
    Func<MqttPacket> Packet,
    bool IsCanonical = true)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>The catalog of golden vectors, split by packet family over several files.</summary>
internal static partial class GoldenVectors
{
    public const MqttProtocolVersion V310 = MqttProtocolVersion.V310;
    public const MqttProtocolVersion V311 = MqttProtocolVersion.V311;
    public const MqttProtocolVersion V500 = MqttProtocolVersion.V500;

    private static readonly Lazy<IReadOnlyDictionary<string, GoldenVector>> Catalog = new(() =>
        ConnectFamily()
            .Concat(PublishFamily())
            .Concat(SubscribeFamily())
            .Concat(SessionFamily())
            .ToDictionary(v => v.Name));

    public static IEnumerable<GoldenVector> All => Catalog.Value.Values;

    public static GoldenVector Get(string name) => Catalog.Value[name];

    private static GoldenVector Vector(string name, MqttProtocolVersion version, byte[] bytes, Func<MqttPacket> packet) =>
        new(name, version, bytes, packet);

    private static GoldenVector ReadOnlyVector(string name, MqttProtocolVersion version, byte[] bytes, Func<MqttPacket> packet) =>
        new(name, version, bytes, packet, IsCanonical: false);

    private static byte[] Hex(params string[] fields) => PacketTestHelpers.Hex(fields);

    private static ReadOnlyMemory<byte> Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
