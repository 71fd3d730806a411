package dev.corral.egress;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** The Netty transport in use: native epoll when the host has it, NIO otherwise. */
enum Transport {
  EPOLL,
  NIO;

  static Transport choose(boolean preferNative) {
    return preferNative && Epoll.isAvailable() ? EPOLL : NIO;
  }

  EventLoopGroup newGroup(int threads, String name) {
    IoHandlerFactory factory =
        switch (this) {
          case EPOLL -> EpollIoHandler.newFactory();
          case NIO -> NioIoHandler.newFactory();
        };
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
  }

  Class<? extends ServerChannel> tcpServer() {
    return switch (this) {
      case EPOLL -> EpollServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  Class<? extends ServerChannel> unixServer() {
    return switch (this) {
      case EPOLL -> EpollServerDomainSocketChannel.class;
      case NIO -> NioServerDomainSocketChannel.class;
    };
  }

  Class<? extends SocketChannel> tcpClient() {
    return switch (this) {
      case EPOLL -> EpollSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }

  SocketAddress unixAddress(Path socket) {
    return switch (this) {
      case EPOLL -> new DomainSocketAddress(socket.toFile());
      case NIO -> UnixDomainSocketAddress.of(socket);
    };
  }
}
