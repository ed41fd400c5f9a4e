using System.Buffers;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Broker;

internal sealed partial class MqttConnection
{
    private volatile bool _messagesEnabled;

    /// <summary>
    /// A PUBACK the write loop has written and handed back, so that a client publishing QoS 1 one message at a time
    /// costs no packet object per message. The read loop takes it (or makes one) and sends it; only the write loop
    /// puts one back, after writing it, so a packet is never queued twice.
    /// </summary>
    private PubAckPacket? _spareAck;

    /// <summary>Handles one packet; returns false when the connection must close.</summary>
    private async ValueTask<bool> HandleFrameAsync(byte header, ReadOnlySequence<byte> body)
    {
        var type = (MqttPacketType)(header >> 4);
        if (Client is null)
        {
            if (_auth is not null)
            {
                // MQTT 5.0 enhanced authentication under way: AUTH or DISCONNECT until CONNACK (MqttConnection.Auth.cs).
                return await HandleConnectAuthAsync(_reader.ReadPacket(header, body)).ConfigureAwait(false);
            }

            if (type != MqttPacketType.Connect)
            {
                // The first packet from the client MUST be CONNECT [MQTT-3.1.0-1].
                throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"The first packet is {type}, not CONNECT.");
            }

            var connect = (ConnectPacket)_reader.ReadPacket(header, body);
            _broker.Counters.CountConnect();
            return await (UsesEnhancedAuth(connect) ? BeginEnhancedAuthAsync(connect) : HandleConnectAsync(connect)).ConfigureAwait(false);
        }

        if (type == MqttPacketType.Publish)
        {
            return await HandlePublishAsync(_reader.ReadPublishView(header, body)).ConfigureAwait(false);
        }

        var packet = _reader.ReadPacket(header, body);
        var session = Session!;
        switch (packet)
        {
            case PubAckPacket ack:
                if (session.Outbox.OnPubAck(ack.PacketId))
                {
                    SignalWriter(); // The in-flight window has room again.
                }

                return true;
            case PubRecPacket rec:
                // A failed PUBREC ends the QoS 2 exchange (MQTT 5.0 section 4.3.3).
                var failed = ProtocolVersion == MqttProtocolVersion.V500 && rec.ReasonCode >= MqttReasonCode.UnspecifiedError;
                var known = session.Outbox.OnPubRec(rec.PacketId, failed);
                if (failed)
                {
                    SignalWriter();
                    return true;
                }

                // PUBREL answers PUBREC [MQTT-4.3.3-3]; MQTT 5.0 says when the identifier is unknown (0x92). A stored
                // session's PUBREC-received state is committed first, so a crash never turns into a second PUBLISH.
                SendAfterCommit(new PubRelPacket
                {
                    PacketId = rec.PacketId,
                    ReasonCode = known || ProtocolVersion != MqttProtocolVersion.V500 ? MqttReasonCode.Success : MqttReasonCode.PacketIdentifierNotFound,
                }, known && session.Journal is not null);
                return true;
            case PubCompPacket comp:
                if (session.Outbox.OnPubComp(comp.PacketId))
                {
                    SignalWriter();
                }

                return true;
            case PubRelPacket rel:
                // Inbound QoS 2: forget the identifier, then PUBCOMP [MQTT-4.3.3-11] (3.1.1: [MQTT-4.3.3-3]).
                // A stored identifier's release is committed before PUBCOMP: the client may reuse the identifier after it,
                // and a restart must not take the new message for a duplicate.
                var pending = session.RemoveInboundQoS2(rel.PacketId);
                SendAfterCommit(new PubCompPacket
                {
                    PacketId = rel.PacketId,
                    ReasonCode = pending || ProtocolVersion != MqttProtocolVersion.V500 ? MqttReasonCode.Success : MqttReasonCode.PacketIdentifierNotFound,
                }, pending && session.Journal is not null);
                return true;
            case SubscribePacket subscribe:
                await HandleSubscribeAsync(subscribe).ConfigureAwait(false);
                return true;
            case UnsubscribePacket unsubscribe:
                await HandleUnsubscribeAsync(unsubscribe).ConfigureAwait(false);
                return true;
            case PingReqPacket:
                // The server MUST answer PINGREQ with PINGRESP [MQTT-3.12.4-1].
                Send(PingRespPacket.Instance);
                return true;
            case DisconnectPacket disconnect:
                if (disconnect.Properties?.SessionExpiryInterval is { } newExpiry)
                {
                    if (_connectSessionExpiry == 0 && newExpiry != 0)
                    {
                        // Zero in CONNECT cannot become non-zero in DISCONNECT [MQTT-3.14.2-2].
                        throw new MqttProtocolException(MqttReasonCode.ProtocolError, "DISCONNECT sets a Session Expiry Interval after CONNECT said 0.");
                    }

                    session.SetExpiryInterval(Math.Min(newExpiry, _broker.Options.MaxSessionExpiryInterval));
                }

                // The will is discarded after a DISCONNECT with reason 0x00 [MQTT-3.1.2-10] [MQTT-3.14.4-3]; any other
                // MQTT 5.0 reason (0x04 "with will message", or an error) still publishes it.
                _gracefulDisconnect = disconnect.ReasonCode == MqttReasonCode.Success;
                SetCloseReason(MqttCloseReason.ClientDisconnected);
                return false;
            case AuthPacket auth:
                return await HandleAuthAsync(auth).ConfigureAwait(false); // Re-authentication (MqttConnection.Auth.cs).
            case ConnectPacket:
                // A second CONNECT is a protocol violation [MQTT-3.1.0-2].
                throw new MqttProtocolException(MqttReasonCode.ProtocolError, "A second CONNECT was received.");
            default:
                // CONNACK, SUBACK, UNSUBACK, PINGRESP and (without enhanced authentication) AUTH never come from a client.
                throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"A client may not send {packet.Type}.");
        }
    }

    private async ValueTask<bool> HandleConnectAsync(ConnectPacket connect)
    {
        var options = _broker.Options;
        var version = connect.ProtocolVersion;
        var v5 = version == MqttProtocolVersion.V500;
        var clientId = connect.ClientId;
        string? assignedClientId = null;

        if (clientId.Length == 0)
        {
            // An empty identifier gets one from the server when the session is clean [MQTT-3.1.3-6]; otherwise it
            // is refused with 0x02 [MQTT-3.1.3-8]. MQTT 3.1 requires 1 to 23 characters; MQTT 5.0 always assigns one.
            if (v5 || (connect.CleanSession && version == MqttProtocolVersion.V311))
            {
                clientId = assignedClientId = options.AssignedClientIdPrefix + Guid.NewGuid().ToString("N");
            }
            else
            {
                return RefuseConnect(MqttReasonCode.ClientIdentifierNotValid, "empty client identifier without a clean session");
            }
        }

        if (clientId.Length > options.MaxClientIdLength)
        {
            return RefuseConnect(MqttReasonCode.ClientIdentifierNotValid, $"client identifier longer than {options.MaxClientIdLength}");
        }

        if (connect.Will is { } will)
        {
            if (will.QoS > options.MaximumQoS)
            {
                // A will QoS above the Maximum QoS is refused with 0x9B [MQTT-3.2.2-12].
                return RefuseConnect(MqttReasonCode.QoSNotSupported, $"will QoS {(int)will.QoS} above the maximum {(int)options.MaximumQoS}");
            }

            if (will.Retain && !options.RetainAvailable)
            {
                // A retained will when retain is not available is refused with 0x9A [MQTT-3.2.2-13].
                return RefuseConnect(MqttReasonCode.RetainNotSupported, "retained will while retain is not available");
            }

            if (v5 && options.ValidateUtf8Payloads && will.Properties?.PayloadFormatIndicator == 1 && !System.Text.Unicode.Utf8.IsValid(will.Payload.Span))
            {
                // A will marked UTF-8 whose payload is not: 0x99 (MQTT 5.0 section 3.1.3.2.3).
                return RefuseConnect(MqttReasonCode.PayloadFormatInvalid, "will payload is not valid UTF-8");
            }
        }

        ushort? serverKeepAlive = null;
        var keepAlive = connect.KeepAlive;
        if (keepAlive > options.MaxKeepAlive || (keepAlive == 0 && options.MaxKeepAlive < ushort.MaxValue))
        {
            if (!v5)
            {
                // MQTT 3.x cannot be told another keep alive: refuse, as Mosquitto does.
                return RefuseConnect(MqttReasonCode.ClientIdentifierNotValid, $"keep alive {keepAlive} above the maximum {options.MaxKeepAlive}");
            }

            keepAlive = (ushort)options.MaxKeepAlive;
            serverKeepAlive = keepAlive;
        }

        if (_broker.Hooks.HasHooks)
        {
            var context = new MqttConnectContext
            {
                Packet = connect,
                ClientId = clientId,
                RemoteEndPoint = Info.RemoteEndPoint,
                ClientCertificate = Info.ClientCertificate,
                Transport = Info.Transport,
            };
            await _broker.Hooks.OnConnectAsync(context).ConfigureAwait(false);
            if (context.ReasonCode != MqttReasonCode.Success)
            {
                return RefuseConnect(context.ReasonCode, "refused by a hook", RefusalProperties(context));
            }

            if (context.ClientId != clientId)
            {
                clientId = assignedClientId = context.ClientId;
            }
        }

        Client = new MqttClientInfo
        {
            ClientId = clientId,
            UserName = connect.UserName,
            ProtocolVersion = version,
            RemoteEndPoint = Info.RemoteEndPoint,
            Transport = Info.Transport,
            ConnectedAt = Time.GetUtcNow(),
        };
        KeepAlive = keepAlive;
        _will = connect.Will;
        InitializeTopicAliases(connect);

        // Session expiry: MQTT 5.0 says it in CONNECT (absent means 0: the session ends with the connection);
        // MQTT 3.x Clean Session 1 means 0, Clean Session 0 the configured default. Capped by the option.
        var requestedExpiry = v5
            ? connect.Properties?.SessionExpiryInterval ?? 0
            : connect.CleanSession ? 0 : options.V3SessionExpiryInterval;
        var expiry = Math.Min(requestedExpiry, options.MaxSessionExpiryInterval);
        _connectSessionExpiry = requestedExpiry; // [MQTT-3.14.2-2] speaks of the value in the CONNECT packet.
        _maximumPacketSizeToClient = v5 ? connect.Properties?.MaximumPacketSize ?? uint.MaxValue : uint.MaxValue;
        _requestProblemInformation = !v5 || connect.Properties?.RequestProblemInformation != 0;

        // Never more unacknowledged QoS 1/2 PUBLISH than the client allows (MQTT 5.0 Receive Maximum) [MQTT-3.3.4-9].
        var inflightLimit = v5 && connect.Properties?.ReceiveMaximum is { } receiveMaximum
            ? Math.Min(options.MaxInflightMessages, receiveMaximum)
            : options.MaxInflightMessages;

        var (session, present) = await _broker.Sessions.AttachAsync(this, clientId, connect.CleanSession, version, expiry, inflightLimit, connect.Will).ConfigureAwait(false);
        Session = session;

        // CONNACK is the first packet the server sends [MQTT-3.2.0-1]; Session Present per [MQTT-3.2.2-2]/[MQTT-3.2.2-3].
        Send(new ConnAckPacket
        {
            SessionPresent = present,
            ReasonCode = MqttReasonCode.Success,
            Properties = v5 ? CreateConnAckProperties(connect, assignedClientId, serverKeepAlive, expiry != requestedExpiry ? expiry : null) : null,
        });

        // Unacknowledged PUBLISH and PUBREL are re-sent first, with their original identifiers [MQTT-4.4.0-1].
        List<OutboundMessage>? tooLarge = null;
        foreach (var inflight in session.Outbox.GetInflightInOrder())
        {
            if (inflight.Released)
            {
                Send(new PubRelPacket { PacketId = inflight.PacketId });
                continue;
            }

            var publish = CreatePublish(inflight, dup: true);
            if (IsTooLargeForClient(publish))
            {
                // This connection may allow less than the one it was first sent on: never send it a larger packet; the
                // message is discarded as if it had completed sending [MQTT-3.1.2-24] [MQTT-3.1.2-25].
                (tooLarge ??= []).Add(inflight);
                continue;
            }

            Send(publish);
        }

        if (tooLarge is not null)
        {
            await ReportUndeliverableAsync(tooLarge, expired: null).ConfigureAwait(false);
        }

        _idleLimit = keepAlive == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(keepAlive * 1500L);
        if (keepAlive > 0)
        {
            // Close after 1.5 times the keep alive without a packet [MQTT-3.1.2-24]; 0 turns the check off.
            _timer?.Change(_idleLimit, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        Log.ClientConnected(_logger, clientId, version, Info.Transport, Info.RemoteEndPoint, present);
        if (_broker.Hooks.HasHooks)
        {
            await _broker.Hooks.OnConnectedAsync(Client).ConfigureAwait(false);
            if (present)
            {
                await _broker.Hooks.OnSessionResumedAsync(Client).ConfigureAwait(false);
            }
            else
            {
                await _broker.Hooks.OnSessionCreatedAsync(Client).ConfigureAwait(false);
            }
        }

        _messagesEnabled = true;
        SignalWriter();
        return true;
    }

    public ushort KeepAlive { get; private set; }

    private uint _connectSessionExpiry;
    private uint _maximumPacketSizeToClient = uint.MaxValue;
    private bool _requestProblemInformation = true;

    /// <summary>What the broker supports, told to MQTT 5.0 clients in CONNACK (section 3.2.2.3).</summary>
    private MqttProperties CreateConnAckProperties(ConnectPacket connect, string? assignedClientId, ushort? serverKeepAlive, uint? grantedSessionExpiry)
    {
        var options = _broker.Options;
        return new MqttProperties
        {
            // The granted expiry is sent only when it differs from the request (section 3.2.2.3.2).
            SessionExpiryInterval = grantedSessionExpiry,
            AssignedClientIdentifier = assignedClientId,
            ServerKeepAlive = serverKeepAlive,
            MaximumPacketSize = (uint)options.MaxPacketSize,
            ReceiveMaximum = (ushort)options.ReceiveMaximum,
            // Absent means 2; only 0 or 1 may be sent [MQTT-3.2.2-9].
            MaximumQoS = options.MaximumQoS < MqttQualityOfService.ExactlyOnce ? (byte)options.MaximumQoS : null,
            RetainAvailable = options.RetainAvailable ? null : (byte)0,
            WildcardSubscriptionAvailable = options.WildcardSubscriptionAvailable ? null : (byte)0,
            SubscriptionIdentifierAvailable = options.SubscriptionIdentifiersAvailable ? null : (byte)0,
            // Inbound topic aliases, 0 for none (MqttConnection.TopicAliases.cs) [MQTT-3.2.2-17].
            TopicAliasMaximum = (ushort)options.TopicAliasMaximum,
            // Shared subscriptions per the option (section 4.8.2); absent means available.
            SharedSubscriptionAvailable = options.SharedSubscriptionsAvailable ? null : (byte)0,
            // Response Information only when asked for (section 3.1.2.11.6).
            ResponseInformation = connect.Properties?.RequestResponseInformation == 1 ? options.ResponseInformation : null,
            // Enhanced authentication echoes the method [MQTT-4.12.0-5] [MQTT-4.12.0-6].
            AuthenticationMethod = _auth?.Method,
            AuthenticationData = _auth?.ConnAckData,
        };
    }

    /// <summary>Answers CONNECT with a failing CONNACK and closes; counted as a connect failure, and as an authentication failure when <paramref name="authFailure"/> or the code says so.</summary>
    private bool RefuseConnect(MqttReasonCode code, string why, MqttProperties? properties = null, bool authFailure = false)
    {
        Log.ConnectRefused(_logger, _reader.ProtocolVersion, Info.RemoteEndPoint, code, why);
        _broker.Counters.CountConnectFailure(code, authFailure || code is MqttReasonCode.BadUserNameOrPassword or MqttReasonCode.NotAuthorized);
        // A refusing CONNACK has Session Present 0 [MQTT-3.2.2-4] and the connection is closed [MQTT-3.2.2-5].
        Send(new ConnAckPacket
        {
            ReasonCode = code,
            Properties = _reader.ProtocolVersion == MqttProtocolVersion.V500 ? properties : null,
        });
        SetCloseReason(MqttCloseReason.ConnectRefused);
        return false;
    }

    private async ValueTask<bool> HandlePublishAsync(MqttPublishView view)
    {
        Traffic.PublishReceived.Increment(view.QoS); // Read loop only: a plain increment.
        var session = Session!;
        var v5 = ProtocolVersion == MqttProtocolVersion.V500;
        var topic = ReadTopic(view); // Resolves and removes an MQTT 5.0 Topic Alias (MqttConnection.TopicAliases.cs).
        if (v5 && view.Properties is { } properties)
        {
            if (properties.SubscriptionIdentifiers is not null)
            {
                // A PUBLISH from a client MUST NOT contain a Subscription Identifier [MQTT-3.3.4-6].
                throw new MqttProtocolException(MqttReasonCode.ProtocolError, "A client PUBLISH carries a Subscription Identifier.");
            }
        }

        var options = _broker.Options;
        if (view.QoS > options.MaximumQoS)
        {
            // A PUBLISH above the advertised Maximum QoS: DISCONNECT 0x9B [MQTT-3.2.2-11].
            throw new MqttProtocolException(MqttReasonCode.QoSNotSupported, $"PUBLISH QoS {(int)view.QoS} above the maximum.");
        }

        if (view.Retain && !options.RetainAvailable)
        {
            // RETAIN set while Retain Available is 0: DISCONNECT 0x9A [MQTT-3.2.2-14].
            throw new MqttProtocolException(MqttReasonCode.RetainNotSupported, "Retained PUBLISH while retain is not available.");
        }

        if (view.QoS == MqttQualityOfService.ExactlyOnce && v5 && session.InboundQoS2Count >= options.ReceiveMaximum && !session.IsInboundQoS2Pending(view.PacketId))
        {
            // More unacknowledged QoS 2 PUBLISH than our Receive Maximum [MQTT-3.3.4-7]: DISCONNECT 0x93 (section 3.3.4).
            // A re-sent PUBLISH whose identifier is already pending is not one more: it is answered below.
            throw new MqttProtocolException(MqttReasonCode.ReceiveMaximumExceeded, $"More than {options.ReceiveMaximum} QoS 2 messages in flight.");
        }

        if (view.QoS == MqttQualityOfService.ExactlyOnce && !session.AddInboundQoS2(view.PacketId))
        {
            // A duplicate of a QoS 2 message whose PUBREL has not arrived: acknowledge again, do not route again
            // (method B of [MQTT-4.3.3-2]: the identifier is kept until PUBREL).
            // Through the store's queue when the session is stored: the original may still wait for its commit.
            SendAfterCommit(new PubRecPacket { PacketId = view.PacketId }, session.Journal is not null);
            return true;
        }

        var message = new MqttApplicationMessage
        {
            Topic = topic,
            Payload = view.Payload.IsEmpty ? ReadOnlyMemory<byte>.Empty : view.Payload.ToArray(),
            QoS = view.QoS,
            Retain = view.Retain,
            Properties = view.Properties,
            SenderClientId = session.ClientId,
        };

        var (code, reasonString, stored) = MqttRouter.CountLevels(message.Topic) > options.MaxTopicLevels ? new MqttRouter.PublishResult(MqttReasonCode.TopicNameInvalid)
            // "$" topics are the server's (section 4.7.2): no client may forge the broker's own $SYS/broker values.
            // The rest of $SYS is left to the hooks (an ACL may let an operator publish there).
            : Diagnostics.SysTopicPublisher.IsBrokerSysTopic(message.Topic) ? new MqttRouter.PublishResult(MqttReasonCode.NotAuthorized, "$SYS/broker topics are published by the broker")
            // A payload marked UTF-8 that is not: 0x99 when the broker checks (section 3.3.2.3.2).
            : v5 && options.ValidateUtf8Payloads && view.Properties?.PayloadFormatIndicator == 1 && !System.Text.Unicode.Utf8.IsValid(message.Payload.Span)
                ? new MqttRouter.PublishResult(MqttReasonCode.PayloadFormatInvalid)
                : await _broker.Router.PublishAsync(message, Client, inboundQoS2: view.QoS == MqttQualityOfService.ExactlyOnce ? (session, view.PacketId) : null).ConfigureAwait(false);
        var ackProperties = reasonString is not null && v5 ? new MqttProperties { ReasonString = reasonString } : null;

        switch (view.QoS)
        {
            case MqttQualityOfService.AtLeastOnce:
                // QoS 1: PUBACK with the same identifier [MQTT-4.3.2-4 in 3.1.1 numbering: -2].
                var ack = Interlocked.Exchange(ref _spareAck, null) ?? new PubAckPacket();
                ack.PacketId = view.PacketId;
                ack.ReasonCode = code;
                ack.Properties = ackProperties;
                // Sent once the message, its enqueue into every stored session and a retained update are committed.
                SendAfterCommit(ack, stored);
                break;
            case MqttQualityOfService.ExactlyOnce:
                if (code >= MqttReasonCode.UnspecifiedError)
                {
                    session.RemoveInboundQoS2(view.PacketId); // A failed PUBREC ends the exchange.
                }

                // As PUBACK, and with the inbound identifier of a stored session committed too.
                SendAfterCommit(new PubRecPacket { PacketId = view.PacketId, ReasonCode = code, Properties = ackProperties }, stored || session.Journal is not null);
                break;
        }

        return true;
    }

    private async ValueTask HandleSubscribeAsync(SubscribePacket subscribe)
    {
        var session = Session!;
        var codes = new List<MqttReasonCode>(subscribe.Filters.Count);
        string? reasonString = null;
        List<(MqttTopicFilter Filter, MqttRouter.SubscribeResult Result)>? granted = null;
        var subscriptionId = subscribe.Properties?.SubscriptionIdentifiers?[0];
        if (subscriptionId is not null && !_broker.Options.SubscriptionIdentifiersAvailable)
        {
            // Subscription identifiers when not available: DISCONNECT 0xA1 (section 3.2.2.3.13).
            throw new MqttProtocolException(MqttReasonCode.SubscriptionIdentifiersNotSupported, "Subscription identifiers are not available.");
        }

        foreach (var filter in subscribe.Filters)
        {
            // The same decision as the server-side SubscribeAsync (MqttRouter.Subscribe.cs).
            var result = await _broker.Router.SubscribeAsync(session, Client!, filter, subscriptionId).ConfigureAwait(false);
            if (result.Subscription is not null)
            {
                (granted ??= []).Add((filter, result));
            }

            reasonString ??= result.ReasonString;
            codes.Add(result.Code);
        }

        // SUBACK has the SUBSCRIBE's identifier [MQTT-3.8.4-2] and one code per filter, in order [MQTT-3.8.4-6] [MQTT-3.9.3-1].
        SendAfterCommit(new SubAckPacket
        {
            PacketId = subscribe.PacketId,
            ReasonCodes = codes,
            Properties = reasonString is not null && ProtocolVersion == MqttProtocolVersion.V500 ? new MqttProperties { ReasonString = reasonString } : null,
        }, granted is not null && session.Journal is not null);

        // Handed to the store writer now, before the retained streams below queue their own changes: the writer
        // sends acknowledgements before what a commit releases, so the SUBACK precedes the retained messages.
        HandOverCommitAcks();

        foreach (var (filter, result) in granted ?? [])
        {
            await _broker.Router.CompleteSubscribeAsync(Client!, filter, result.Subscription!, result.IsNew).ConfigureAwait(false);
        }
    }

    private async ValueTask HandleUnsubscribeAsync(UnsubscribePacket unsubscribe)
    {
        var session = Session!;
        var codes = new List<MqttReasonCode>(unsubscribe.Filters.Count);
        string? reasonString = null;
        foreach (var filter in unsubscribe.Filters)
        {
            if (_broker.Hooks.HasHooks)
            {
                var context = new MqttUnsubscribeContext { Client = Client!, Filter = filter };
                await _broker.Hooks.OnUnsubscribeAsync(context).ConfigureAwait(false);
                if (context.ReasonCode is { } refused && refused >= MqttReasonCode.UnspecifiedError)
                {
                    codes.Add(refused);
                    reasonString ??= context.ReasonString;
                    continue;
                }
            }

            var removed = _broker.Router.RemoveSubscription(session, filter);
            if (removed && _broker.Hooks.HasHooks)
            {
                await _broker.Hooks.OnUnsubscribedAsync(Client!, filter).ConfigureAwait(false);
            }

            codes.Add(removed ? MqttReasonCode.Success : MqttReasonCode.NoSubscriptionExisted);
        }

        // UNSUBACK is sent even when nothing matched [MQTT-3.10.4-5], with the same identifier [MQTT-3.10.4-4].
        SendAfterCommit(new UnsubAckPacket
        {
            PacketId = unsubscribe.PacketId,
            ReasonCodes = codes,
            Properties = reasonString is not null && ProtocolVersion == MqttProtocolVersion.V500 ? new MqttProperties { ReasonString = reasonString } : null,
        }, session.Journal is not null);
    }

}
